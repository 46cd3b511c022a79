"""On-disk layout of an index directory: generations and an atomically replaced pointer.

``<path>/CURRENT`` names the live generation, a complete Whoosh index in ``<path>/gen-…``. A
rebuild writes a new generation beside the live one and then replaces ``CURRENT`` with
``os.replace`` (an atomic rename), so a reader sees either the old index or the new one, never
a half-built one and never a missing directory — which renaming directories could not promise.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from . import whoosh_internals
from .errors import IndexDamaged
from .schema import make_schema

POINTER = "CURRENT"
# Segments are memory-mapped (read through search.mapped, without Whoosh's heap copy), which also
# closes each segment file as soon as it is mapped; after each search the process drops its
# mappings of the pages it read (View.release_pages), so they do not count in its resident memory.
# PORTAL_SEARCH_MMAP=0 reads them with buffered file reads instead (for systems where mapping is
# unwelcome), at the cost of an open file per segment until its reader is collected.
MMAP = os.environ.get("PORTAL_SEARCH_MMAP", "1") == "1"
PREFIX = "gen-"


def read_pointer(path: str) -> str | None:
    """The name of the live generation, or None if ``path`` has no pointer yet."""
    try:
        with open(os.path.join(path, POINTER), encoding="ascii") as handle:
            name = handle.read().strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexDamaged(f"cannot read {POINTER} in {path}: {exc}") from exc
    if not name.startswith(PREFIX) or os.sep in name or (os.altsep and os.altsep in name):
        raise IndexDamaged(f"{POINTER} in {path} does not name a generation: {name!r}")
    return name


def generation_bytes(path: str) -> int:
    """The size on disk of the live generation's files (0 if there is none or it cannot be read)."""
    try:
        name = read_pointer(path)
        if name is None:
            return 0
        with os.scandir(os.path.join(path, name)) as entries:
            return sum(entry.stat().st_size for entry in entries if entry.is_file())
    except (OSError, IndexDamaged):
        return 0


class _TrackingStorage(FileStorage):
    """File storage that remembers what it opened, so a failed read can close it all."""

    def __init__(self, path: str):
        super().__init__(path)
        self.opened: list = []

    def open_file(self, name, **kwargs):
        handle = super().open_file(name, **kwargs)
        self.opened.append(handle)
        return handle

    def close_opened(self) -> None:
        for handle in self.opened:
            if not handle.is_closed:
                handle.close()


def open_generation(path: str, name: str) -> FileIndex:
    """Open generation ``name``; raise :class:`IndexDamaged` if its TOC cannot be read.

    The TOC is read once through a tracking storage first because Whoosh leaves the file open
    when a corrupt TOC makes it raise. Segments are read through :mod:`search.mapped` (installed
    here: not every caller goes through ``SearchIndex``).
    """
    whoosh_internals.install_mapped_reader()
    directory = os.path.join(path, name)
    schema = make_schema()
    probe = _TrackingStorage(directory)
    try:
        whoosh_internals.read_toc(probe, schema)
        return FileIndex(FileStorage(directory, supports_mmap=MMAP), schema=schema)
    except Exception as exc:  # any failure to read the TOC means the same thing: damaged
        raise IndexDamaged(f"cannot open {directory}: {exc!r}") from exc
    finally:
        probe.close_opened()


def open_current(path: str, attempts: int = 5) -> tuple[str, FileIndex]:
    """The live generation's name and index. A rebuild that switches generations between our
    reading the pointer and opening the generation it named removes that generation: the pointer
    then names the new one, which is opened instead (damage is only what persists)."""
    name = read_pointer(path)
    for _ in range(attempts):
        if name is None:
            raise IndexDamaged(f"{path} has lost its {POINTER} pointer")
        try:
            return name, open_generation(path, name)
        except IndexDamaged:
            switched = read_pointer(path)
            if switched == name:
                raise
            name = switched
    raise IndexDamaged(f"{path}: the live generation kept changing while it was being opened")


def probe_generation(path: str, name: str) -> tuple[FileIndex, _TrackingStorage]:
    """Open generation ``name`` through a storage that remembers every file it opens, so that a
    health check that fails half-way can close them all (``storage.close_opened()``)."""
    whoosh_internals.install_mapped_reader()
    probe = _TrackingStorage(os.path.join(path, name))
    return FileIndex(probe, schema=make_schema()), probe


def new_generation(path: str) -> tuple[str, str]:
    """Create an empty Whoosh index in a new generation directory; return (name, directory)."""
    name = f"{PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    directory = os.path.join(path, name)
    os.makedirs(directory)
    whoosh_index.create_in(directory, make_schema())
    return name, directory


def _write_temp_pointer(path: str, name: str) -> str:
    temp = os.path.join(path, f"{POINTER}.{uuid.uuid4().hex}.tmp")
    with open(temp, "w", encoding="ascii") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def switch_to(path: str, name: str) -> None:
    """Make generation ``name`` the live one, atomically."""
    temp = _write_temp_pointer(path, name)
    os.replace(temp, os.path.join(path, POINTER))
    _sync_directory(path)


def publish_first(path: str, name: str) -> bool:
    """Make ``name`` live only if no generation is live yet; False if another process won.

    Several web workers may open a missing index at the same moment; a hard link fails if the
    pointer already exists, so exactly one of them creates it.
    """
    temp = _write_temp_pointer(path, name)
    try:
        os.link(temp, os.path.join(path, POINTER))
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(temp)
        _sync_directory(path)


def remove_generations(path: str, keep: set[str]) -> None:
    """Delete generations not in ``keep`` and leftover temporary pointers.

    The caller keeps the previous generation too: a reader in another process may have
    resolved the pointer just before the switch and still be opening it.
    """
    for entry in os.listdir(path):
        full = os.path.join(path, entry)
        if entry.startswith(PREFIX) and entry not in keep:
            shutil.rmtree(full, ignore_errors=True)
        elif entry.startswith(f"{POINTER}.") and entry.endswith(".tmp"):
            try:
                if time.time() - os.path.getmtime(full) > 60:  # not one being written now
                    os.unlink(full)
            except OSError:
                pass


def looks_foreign(path: str) -> bool:
    """True if ``path`` holds files that are not ours (e.g. a bare Whoosh index)."""
    return any(not entry.startswith((PREFIX, POINTER)) for entry in os.listdir(path))


def _sync_directory(path: str) -> None:
    # Persist the rename itself; not possible (nor needed) on every platform.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def stored_field_names(path: str, name: str) -> set[str]:
    """The field names the generation's table of contents was written with (its own schema, not
    this version's)."""
    directory = os.path.join(path, name)
    toc = whoosh_internals.read_toc(FileStorage(directory), None)
    return set(toc.schema.names())
