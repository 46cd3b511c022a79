"""The file store: where documents' bytes live, apart from the database that describes them.

``store()`` gives the configured backend (``backends.py``: a local directory, or an S3-compatible
bucket shared by every app machine); ``checks.py`` receives an upload with a size cap and checks its
content by signature and its name; ``serve.py`` answers a download. The database row (``Document``)
holds the random key, the sha256, the size, the type and the sanitised name; ``flask files verify``
compares the two sides.
"""

from __future__ import annotations

from flask import current_app

from portal.files.backends import FileMissing, FileStore, make_store

__all__ = ["FileMissing", "FileStore", "store"]


def store() -> FileStore:
    """The application's file store, built once per app from its settings."""
    extensions = current_app.extensions
    if "portal_files" not in extensions:
        extensions["portal_files"] = make_store(current_app.config)
    return extensions["portal_files"]
