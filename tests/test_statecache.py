"""portal.statecache.StateCache: values valid under a state, an age limit, least recently used out."""

from __future__ import annotations

import threading

from portal.statecache import StateCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_served_while_its_state_holds():
    cache = StateCache(size=4)
    cache.put("k", 1, "v1")
    assert cache.lookup("k", 1) == "v1"
    assert cache.lookup("k", 2) is None  # another state: not served
    assert cache.lookup("k", 2, "fallback") == "fallback"
    assert cache.lookup("other", 1) is None
    assert (cache.hits, cache.builds) == (1, 1)


def test_get_builds_on_a_miss_and_caches_under_the_state():
    cache = StateCache(size=4)
    calls: list[int] = []

    def build(value: str):
        return lambda: calls.append(1) or value

    assert cache.get("k", 1, build("a")) == "a"
    assert cache.get("k", 1, build("b")) == "a"  # hit: not rebuilt
    assert cache.get("k", 2, build("c")) == "c"  # the state moved on: rebuilt
    assert cache.get("k", 2, build("d")) == "c"
    assert len(calls) == 2 and (cache.hits, cache.builds) == (2, 2)


def test_a_falsy_value_is_a_hit():
    cache = StateCache(size=2)
    assert cache.get("k", 1, lambda: 0) == 0
    assert cache.get("k", 1, lambda: 1) == 0
    assert (cache.hits, cache.builds) == (1, 1)


def test_values_expire_after_max_seconds():
    clock = Clock()
    cache = StateCache(size=4, max_seconds=10, clock=clock)
    cache.put("k", 1, "v")
    clock.now = 9.9
    assert cache.lookup("k", 1) == "v"
    clock.now = 10.0
    assert cache.lookup("k", 1) is None
    assert cache.get("k", 1, lambda: "rebuilt") == "rebuilt"
    assert cache.lookup("k", 1) == "rebuilt"  # its age counts from the rebuild
    cache.max_seconds = 0  # may be changed on a live cache
    assert cache.lookup("k", 1) is None
    cache.max_seconds = None  # no age limit
    clock.now = 1e9
    assert cache.lookup("k", 1) == "rebuilt"


def test_least_recently_used_goes_first():
    cache = StateCache(size=3)
    for key in "abc":
        cache.put(key, 0, key.upper())
    assert cache.lookup("a", 0) == "A"  # a used: b is now the oldest
    cache.put("d", 0, "D")
    assert [cache.lookup(k, 0) for k in "abcd"] == ["A", None, "C", "D"]
    cache.put("c", 1, "C1")  # replacing a value counts as a use
    cache.put("e", 0, "E")  # evicts a (used before c, d were)
    assert [cache.lookup(k, s) for k, s in (("a", 0), ("c", 1), ("d", 0), ("e", 0))] == [None, "C1", "D", "E"]


def test_a_stale_lookup_is_not_a_use():
    cache = StateCache(size=2)
    cache.put("a", 0, "A")
    cache.put("b", 0, "B")
    assert cache.lookup("a", 1) is None  # a's state moved on: a stays the oldest
    cache.put("c", 0, "C")
    assert [cache.lookup(k, 0) for k in "abc"] == [None, "B", "C"]


def test_size_zero_keeps_nothing_but_counts_builds():
    cache = StateCache(size=0)
    assert cache.get("k", 1, lambda: "a") == "a"
    assert cache.get("k", 1, lambda: "b") == "b"
    assert (cache.hits, cache.builds) == (0, 2)


def test_resizing_applies_to_later_puts():
    cache = StateCache(size=1)
    cache.size = 3
    for key in "abcd":
        cache.put(key, 0, key)
    assert [cache.lookup(k, 0) for k in "abcd"] == [None, "b", "c", "d"]
    assert cache.size == 3


def test_clear():
    cache = StateCache(size=4)
    cache.put("k", 1, "v")
    cache.clear()
    assert cache.lookup("k", 1) is None


def test_threads_share_one_cache_safely():
    cache = StateCache(size=50)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                key = (i + offset) % 80
                assert cache.get(key, key % 3, lambda key=key: key * 2) == key * 2
        except BaseException as exc:  # reported below, from the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.hits + cache.builds == 8000
