"""Rendered linked-data answers of a read-only build, kept in a cache bounded by bytes.

A resource's page or RDF is the same for as long as the server answers from the same data, so
the second request for it is served from here (a resource page costs tens of milliseconds
to query and render, a cached one well under one). Keys name everything that picks the
answer (the build, the path, the representation, the language and host); answers larger
than an eighth of the cache are never kept; the least recently used go first. A server with
updates enabled keeps nothing (its data may change between two requests).

>>> cache = PageCache(max_bytes=1600)
>>> for name in "abcdefgh":
...     cache.put(name, Rendered(b"." * 136, "text/plain", ()))  # 200 bytes each
>>> cache.size, cache.get("a") is not None
(1600, True)
>>> cache.put("i", Rendered(b"." * 136, "text/plain", ()))  # "b", least recently used, goes
>>> cache.get("b"), len(cache), cache.size
(None, 8, 1600)
>>> cache.put("big", Rendered(b"." * 200, "text/plain", ()))  # over an eighth: not kept
>>> cache.get("big")
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

__all__ = ["PageCache", "Rendered"]


@dataclass(frozen=True)
class Rendered:
    """One answer: its body, media type and headers (status 200)."""

    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]

    @property
    def cost(self) -> int:
        """Bytes held for it, headers included (roughly)."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


class PageCache:
    """A least-recently-used map of :class:`Rendered`, at most ``max_bytes`` in all."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._items: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Rendered | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Rendered) -> None:
        if value.cost * 8 > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old.cost
            self._items[key] = value
            self.size += value.cost
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= dropped.cost

    def __len__(self) -> int:
        return len(self._items)
