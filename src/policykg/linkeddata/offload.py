"""A second process for the build's dump files, so they are written while the build goes
on (the machine's second core), or the same work done here for a small build.

The second process comes from a fork server (a fresh process, not a fork of the build,
which may hold open stores and threads) and gets only paths and strings; it writes into
the build's staging folders, so a failed or killed build still switches nothing. Its CPU
time is counted in :attr:`Offload.cpu`, since the operating system does not add it to the
build's own. As with any process pool that does not fork, the second process imports the
main module: a script that calls :func:`policykg.graph.build.build` on a large graph keeps
its own work under ``if __name__ == "__main__":`` (the ``policykg`` command does).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["SEPARATE_FROM", "Offload"]

T = TypeVar("T")

#: From this many quads on, a build writes its RDF dump files in a second process (at fewer,
#: starting that process costs more than it saves).
SEPARATE_FROM = 100_000


def _timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    """``fn(*args)`` and the CPU seconds it took (in the second process)."""
    began = time.process_time()
    result = fn(*args)
    return result, time.process_time() - began


class Offload:
    """Runs functions in a second process (``separate``) or here, as futures."""

    def __init__(self, separate: bool) -> None:
        self.cpu = 0.0  # CPU seconds the second process spent on the work
        self._pool: ProcessPoolExecutor | None = None
        if separate:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["policykg.linkeddata.dumpfiles"])
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """``fn(*args)``, in the second process, or without one at once, here (raising here
        what it raises)."""
        done: Future[T] = Future()
        if self._pool is None:
            done.set_result(fn(*args))
            return done
        timed = self._pool.submit(_timed, fn, *args)

        def settle(future: Future[tuple[T, float]]) -> None:
            if future.cancelled():
                done.cancel()
                return
            error = future.exception()
            if error is not None:
                done.set_exception(error)
                return
            result, cpu = future.result()
            self.cpu += cpu
            done.set_result(result)

        timed.add_done_callback(settle)
        return done

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the work submitted (or, with ``cancel``, drop what has not started)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> Offload:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(cancel=error is not None)
