"""The spreadsheet import kernel shared by every bulk import (patents, past deals).

* ``reading`` — the file: CSV (UTF-8/BOM/GBK/UTF-16) or XLSX, as rows of cells;
* ``cells`` — columns and cell parsers (dates, yes/no, numbers, choices), each with a message;
* ``rows`` — headings matched in English or Chinese, rows read cell by cell (``prepare_rows``);
* ``report`` — the report every import returns (JSON, the page's sentence, the CLI's lines);
* ``views`` — the upload page every import uses.

Writing spreadsheets (exports, templates) is ``portal.spreadsheets``.
"""
