"""Exceptions raised by the search package.

The app catches these by class: ``IndexLocked`` means "another writer is busy, try later",
``IndexDamaged`` means "move the directory aside and rebuild from the database".
"""


class SearchIndexError(Exception):
    """Base class of every error this package raises on purpose."""


class IndexLocked(SearchIndexError):
    """The write lock is held by another writer (another process or another index object).

    Only one writer may ever run against an index; the caller should retry later rather than
    fall back to an asynchronous writer, which would lose its buffer if the process died.
    """


class IndexDamaged(SearchIndexError):
    """The index directory exists but cannot be read (missing or corrupt table of contents,
    missing segment files, a pointer to a generation that is gone, unknown contents).

    Recover with :func:`search.index.move_aside_and_create` and a rebuild from the database.
    """
