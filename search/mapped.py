"""How Whoosh reads the parts of a compound segment file (``.seg``): without copying them.

Whoosh maps each compound segment into memory and hands every part out as a ``BufferFile`` —
whose constructor wraps the mapped bytes in ``io.BytesIO``, and that *copies* them onto the heap.
At 100,000 listings that is about 250 MB per searching process, for bytes the operating system
already holds in its page cache and shares between processes. Unmapped (``PORTAL_SEARCH_MMAP=0``),
each part is a Python ``SubFile`` whose every read is a Python call and a system call, and Whoosh
reads posting-block headers with ``pickle.load``, a few bytes at a time.

Here both kinds of part are a byte range seen through ``io.BufferedReader``: small reads are
answered from C, and only the bytes read are copied. :func:`install` swaps this in once, before
any index is opened.
"""

from __future__ import annotations

import io
import os

from whoosh.filedb import compound, structfile
from whoosh.filedb.filestore import StorageError

BUFFER_SIZE = 8192


class _Range(io.RawIOBase):
    """A read-only byte range as a raw stream; subclasses say where the bytes come from."""

    def __init__(self, length: int):
        super().__init__()
        self._length, self._pos = length, 0

    def _read_at(self, position: int, size: int) -> bytes:
        raise NotImplementedError

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self._length - self._pos)
        if size <= 0:
            return 0
        data = self._read_at(self._pos, size)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


class _BufferRange(_Range):
    """A memoryview (of the map)."""

    def __init__(self, buf):
        self._view = memoryview(buf)
        super().__init__(len(self._view))

    def _read_at(self, position: int, size: int) -> bytes:
        return self._view[position : position + size]


class _FileRange(_Range):
    """A range of a shared file: seek before every read, as Whoosh's ``SubFile`` does."""

    def __init__(self, file, offset: int, length: int):
        super().__init__(length)
        self._file, self._offset = file, offset

    def _read_at(self, position: int, size: int) -> bytes:
        self._file.seek(self._offset + position)
        return self._file.read(size)


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = io.BufferedReader(_BufferRange(buf), buffer_size=BUFFER_SIZE)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _open_compound_part(self, name, *args, **kwargs):
    if self.is_closed:
        raise StorageError("Storage was closed")
    offset, length = self.range(name)
    if self._source:  # memory-mapped
        return structfile.BufferFile(memoryview(self._source)[offset : offset + length], name=name)
    raw = self._file.file if isinstance(self._file, structfile.StructFile) else self._file
    return structfile.StructFile(io.BufferedReader(_FileRange(raw, offset, length), buffer_size=BUFFER_SIZE),
                                 name=name)


def install() -> None:
    """Make Whoosh read compound segment parts through :class:`_Range` streams (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
    compound.CompoundStorage.open_file = _open_compound_part
