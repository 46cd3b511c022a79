"""Read compound segments from the memory map instead of a private copy of them.

Whoosh maps each compound segment file (``.seg``) into memory and hands every sub-file out as a
``BufferFile`` — whose constructor wraps the mapped bytes in ``io.BytesIO``, and that *copies*
them onto the heap. At 100,000 listings that is about 250 MB per searching process, for bytes the
operating system already holds in its page cache and shares between processes. ``MappedFile``
gives ``StructFile`` the same ``read`` / ``seek`` / ``tell`` over the memoryview, copying only the
bytes actually read. :func:`install` swaps it in once, before any index is opened.
"""

from __future__ import annotations

import io
import os

from whoosh.filedb import compound, structfile
from whoosh.filedb.filestore import StorageError


class MappedFile:
    """A read-only file object over a buffer (a memoryview of the map); no copy is made."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf):
        self._buf = memoryview(buf)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readline(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        cursor = start
        while cursor < end:  # only pickles call this, on short lines: look a little at a time
            found = bytes(self._buf[cursor:min(cursor + 256, end)]).find(b"\n")
            if found >= 0:
                end = cursor + found + 1
                break
            cursor += 256
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = memoryview(b"")


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = MappedFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's ``BufferFile`` read through :class:`MappedFile` (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init


class _SubRange(io.RawIOBase):
    """A byte range of a shared file as a raw stream, for ``io.BufferedReader``: Whoosh reads a
    posting block's header with ``pickle.load``, which asks for a few bytes at a time, and the
    buffered reader answers those from C instead of one Python call and one system call each."""

    def __init__(self, file, offset: int, length: int):
        super().__init__()
        self._file, self._offset, self._length, self._pos = file, offset, length, 0

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self._length - self._pos)
        if size <= 0:
            return 0
        self._file.seek(self._offset + self._pos)
        data = self._file.read(size)
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


def _open_compound_part(self, name, *args, **kwargs):
    if self.is_closed:
        raise StorageError("Storage was closed")
    offset, length = self.range(name)
    if self._source:  # memory-mapped
        return structfile.BufferFile(memoryview(self._source)[offset : offset + length], name=name)
    raw = self._file.file if isinstance(self._file, structfile.StructFile) else self._file
    return structfile.StructFile(io.BufferedReader(_SubRange(raw, offset, length), buffer_size=8192), name=name)


def install_buffered_parts() -> None:
    """Read the parts of an unmapped compound segment through a buffered reader (idempotent)."""
    compound.CompoundStorage.open_file = _open_compound_part
