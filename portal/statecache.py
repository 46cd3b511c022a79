"""A per-process LRU of values that stay valid while a *state* read from the database is unchanged.

The feeds keep rendered feeds in one (``portal.feeds.cache``), keyed by the feed's filters and
valid under the change log's state token; the API keeps serialised listings in one
(``portal.listings.items``), each valid under its own listing's state. A value older than
``max_seconds`` is rebuilt whatever its state, which bounds what changes outside the state (a
row edited straight in the database) can leave behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import Cache, LRUCache

_MISSING = object()


class StateCache:
    """Values by key, each valid while the state it was built under is unchanged."""

    def __init__(self, size: int = 256, max_seconds: float | None = 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_seconds = max_seconds
        self.clock = clock
        self.hits = 0
        self.builds = 0
        self._lock = threading.Lock()
        self.size = size

    @property
    def size(self) -> int:
        """How many values are kept (least recently used out first); 0 or less keeps none."""
        return self._size

    @size.setter
    def size(self, size: int) -> None:
        # cachetools fixes an LRUCache's size when it is made: resizing starts an empty one.
        with self._lock:
            self._size = size
            self._entries: LRUCache[Hashable, tuple[Hashable, float, Any]] = LRUCache(maxsize=max(size, 0))

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: Hashable, state: Hashable, default: Any = None) -> Any:
        """The value cached for ``key`` if it was built under ``state`` (and is young enough)."""
        now = self.clock()
        with self._lock:
            # Read without marking the entry used (``Cache.get`` would go through LRUCache's
            # ``__getitem__``): only a hit counts as a use, as a stale entry is about to be replaced.
            item = Cache.__getitem__(self._entries, key) if key in self._entries else None
            if item is not None and item[0] == state and (
                    self.max_seconds is None or now - item[1] < self.max_seconds):
                self.hits += 1
                return self._entries[key][2]  # LRUCache's __getitem__: now the most recently used
        return default

    def put(self, key: Hashable, state: Hashable, value: Any) -> None:
        with self._lock:
            self.builds += 1
            if self._size > 0:
                # Setting an entry makes it the most recently used; the LRUCache evicts the least.
                self._entries[key] = (state, self.clock(), value)

    def get(self, key: Hashable, state: Hashable, build: Callable[[], Any]) -> Any:
        """The cached value for ``key`` if it was built under ``state``, else ``build()`` it.

        ``build`` runs outside the lock: two threads missing together both build (the same
        value), rather than one waiting on the other's database queries.
        """
        value = self.lookup(key, state, _MISSING)
        if value is _MISSING:
            value = build()
            self.put(key, state, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
