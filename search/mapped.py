"""Read compound segments from the memory map instead of a private copy of them.

Whoosh maps each compound segment file (``.seg``) into memory and hands every sub-file out as a
``BufferFile`` — whose constructor wraps the mapped bytes in ``io.BytesIO``, and that *copies*
them onto the heap. At 100,000 listings that is about 250 MB per searching process, for bytes the
operating system already holds in its page cache and shares between processes. ``MappedFile``
gives ``StructFile`` the same ``read`` / ``seek`` / ``tell`` over the memoryview, copying only the
bytes actually read. :func:`install` swaps it in once, before any index is opened.
"""

from __future__ import annotations

import os

from whoosh.filedb import structfile


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
