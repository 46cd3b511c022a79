"""A centre's project budget: receipts into the central and matching funds, expenditures by category,
the separate-accounting view, the audit workbook, the programme office's comparison and the CLI."""
