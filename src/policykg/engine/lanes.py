"""Idle query workers and the requests waiting for one, in two lanes.

Workers are *general* or *reserved*. A **short** request (the server's own stored
queries and bounded lookups, see :attr:`policykg.engine.jobs.QueryJob.short`) may take any
worker, a reserved one first; any other request only a general one. A worker handed
back goes to the longest-waiting short request first, then (a general worker only) to
the longest-waiting other one: short requests overtake, and with every general worker
busy on slow client queries the reserved ones still answer short requests at once.

>>> import asyncio
>>> async def demo() -> list[str]:
...     lanes: Lanes[str] = Lanes()
...     lanes.add("g1", reserved=False)
...     lanes.add("r1", reserved=True)
...     taken = [await lanes.get(short=False)]  # a client query: the general worker
...     waiting = asyncio.ensure_future(lanes.get(short=False))
...     await asyncio.sleep(0)
...     taken.append(await lanes.get(short=True))  # a short one: the reserved worker
...     lanes.put("r1")  # not for the waiting client query: it stays idle
...     taken.append(await lanes.get(short=True))
...     lanes.put("g1")  # the client query has waited longest
...     taken.append(await waiting)
...     return taken
>>> asyncio.run(demo())
['g1', 'r1', 'r1', 'g1']
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["Lanes"]

W = TypeVar("W", bound=Hashable)


class Lanes(Generic[W]):
    """Idle workers by kind (general, reserved) and waiters by lane (short, other)."""

    def __init__(self) -> None:
        self._reserved: set[W] = set()
        #: Idle workers, keyed by whether they are reserved.
        self._idle: dict[bool, collections.deque[W]] = {False: collections.deque(),
                                                        True: collections.deque()}  # fmt: skip
        #: Waiting requests, keyed by whether they are short.
        self._waiters: dict[bool, collections.deque[asyncio.Future[W]]] = {
            False: collections.deque(),
            True: collections.deque(),
        }

    def add(self, worker: W, *, reserved: bool) -> None:
        """A new worker of the given kind, idle (or handed to a waiter at once)."""
        if reserved:
            self._reserved.add(worker)
        self.put(worker)

    def reserved(self, worker: W) -> bool:
        return worker in self._reserved

    def forget(self, worker: W) -> None:
        """The worker is gone (discarded or retired): it is no longer idle, nor counted."""
        self._reserved.discard(worker)
        for idle in self._idle.values():
            if worker in idle:
                idle.remove(worker)

    def idle(self, *, short: bool) -> int:
        """How many idle workers a request of this lane may take now."""
        return len(self._idle[False]) + (len(self._idle[True]) if short else 0)

    @property
    def all_idle(self) -> int:
        return len(self._idle[False]) + len(self._idle[True])

    def put(self, worker: W) -> None:
        """Hand a worker back: to a waiting short request, else (a general worker) to a
        waiting other request, else it stays idle."""
        reserved = worker in self._reserved
        for short in (True,) if reserved else (True, False):
            waiters = self._waiters[short]
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(worker)
                    return
        self._idle[reserved].append(worker)

    def drain(self) -> list[W]:
        """Take every idle worker out (to check or close them); :meth:`put` them back."""
        taken = [*self._idle[True], *self._idle[False]]
        self._idle[True].clear()
        self._idle[False].clear()
        return taken

    async def get(self, *, short: bool) -> W:
        """An idle worker this lane may take (a reserved one first), waiting for one."""
        for reserved in (True, False) if short else (False,):
            if self._idle[reserved]:
                return self._idle[reserved].popleft()
        waiter: asyncio.Future[W] = asyncio.get_running_loop().create_future()
        self._waiters[short].append(waiter)
        try:
            return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.put(waiter.result())  # handed over as the wait was given up
            else:
                waiter.cancel()
                with contextlib.suppress(ValueError):  # put() may have dropped it already
                    self._waiters[short].remove(waiter)
            raise
