"""Running royalties (提成): reporting periods from a deal's terms, reports of sales or profit and the
royalty due, payments matched to periods, overdue reminders, and expected against received."""
