"""Documents on listings, request threads and deals, and exchange dossiers (docs/documents.md)."""
