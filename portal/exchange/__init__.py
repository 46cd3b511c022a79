"""Hand-off to the exchange bases: centres forward deals and listings, exchange operators (on the
site or through a token API) report the on-exchange status back."""
