"""Pre-filing review (申请前预审): inventors' disclosures entered by centre staff and their review."""
