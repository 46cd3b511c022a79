"""Patents in bulk: the import spreadsheet's columns, the importer, its CLI command and upload page."""
