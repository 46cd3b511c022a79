"""A document answered as a download: always an attachment (never shown inline, so a file cannot act
as a page of the portal), with its checked type, ``nosniff``, and its name for every browser (an ASCII
fallback and the RFC 5987 ``filename*`` carrying a Chinese name)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, abort, current_app

from portal.files import FileMissing, store


def content_disposition(filename: str) -> str:
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c if c.isalnum() or c in "._- ()" else "_" for c in fallback).strip() or "document"
    if "." in filename and "." not in fallback:
        fallback += "." + filename.rsplit(".", 1)[1].encode("ascii", "ignore").decode("ascii")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(document) -> Response:
    """Stream ``document``'s object from the store; 404 (and an error in the log) when it is missing."""
    try:
        chunks = store().open(document.storage_key)
    except FileMissing:
        current_app.logger.error("document %s: object %s missing from the file store (run flask files verify)",
                                 document.id, document.storage_key)
        abort(404)
    response = Response(chunks, mimetype=document.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(document.size)
    response.headers["Content-Disposition"] = content_disposition(document.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
