"""How Whoosh reads the parts of a compound segment file (``.seg``): without copying them.

Whoosh maps each compound segment into memory and hands every part out as a ``BufferFile`` —
whose constructor wraps the mapped bytes in ``io.BytesIO``, and that *copies* them onto the heap.
At 100,000 listings that is about 250 MB per searching process, for bytes the operating system
already holds in its page cache and shares between processes. Unmapped (``PORTAL_SEARCH_MMAP=0``),
each part is a Python ``SubFile`` whose every read is a Python call and a system call, and Whoosh
reads posting-block headers with ``pickle.load``, a few bytes at a time.

Here both kinds of part are a byte range seen through ``io.BufferedReader``: small reads are
answered from C, and only the bytes read are copied. This module only builds those streams; the
two Whoosh methods that hand them out are replaced by
:func:`search.whoosh_internals.install_mapped_reader`, which every path that opens an index calls
(it is the one place that touches Whoosh's private names).
"""

from __future__ import annotations

import io
import os

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


def buffered_view(buf) -> io.BufferedReader:
    """A buffered stream over ``buf`` (a memoryview of the map): reads copy only what they read."""
    return io.BufferedReader(_BufferRange(buf), buffer_size=BUFFER_SIZE)


def buffered_range(file, offset: int, length: int) -> io.BufferedReader:
    """A buffered stream over ``length`` bytes of ``file`` from ``offset`` (a shared file)."""
    return io.BufferedReader(_FileRange(file, offset, length), buffer_size=BUFFER_SIZE)
