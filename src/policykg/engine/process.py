"""One worker child process (``python -m policykg.engine``) and its frame channel."""

from __future__ import annotations

import asyncio
import ctypes.util
import functools
import os
import signal
import sys
from pathlib import Path
from typing import Literal

from policykg.engine.jobs import HEADER, Frame, Job, Opened, decode, encode
from policykg.errors import WorkerStopped

__all__ = ["MALLOC_CONF", "NotTaken", "WorkerProcess", "jemalloc"]


class NotTaken(WorkerStopped):
    """The worker stopped before it took the job: nothing of it ran."""


@functools.cache
def jemalloc() -> str | None:
    """The jemalloc library to preload into workers (Debian's ``libjemalloc2``), if any.

    pyoxigraph's query evaluation allocates heavily; with glibc's malloc it runs about
    twice as slow as with jemalloc (property path at 100k claims: 76 vs 32 ms on disk,
    111 vs 53 ms in memory).
    """
    return ctypes.util.find_library("jemalloc")


#: jemalloc's settings for the workers (unless ``MALLOC_CONF`` is set): a background thread
#: returns freed pages to the system about a second after a query lets them go. Without
#: it, jemalloc purges only while allocating, so an idle worker kept a large query's
#: working memory (at 1M claims, 274 MiB for one property path query, 55 MiB after).
MALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"


_STOPPED = (
    "the worker running this request stopped (killed, or out of memory); it is being "
    "replaced: try again, or simplify the request"
)


class WorkerProcess:
    """One ``python -m policykg.engine`` child and its frame channel."""

    def __init__(
        self,
        store: Path,
        mode: Literal["read", "memory", "write"],
        max_quads: int = 0,
        *,
        use_jemalloc: bool = True,
    ) -> None:
        self.store, self.mode, self.max_quads = store, mode, max_quads
        self.use_jemalloc = use_jemalloc
        self.proc: asyncio.subprocess.Process | None = None
        self.opened: Opened | None = None

    async def start(self) -> WorkerProcess:
        env = dict(os.environ)  # the worker is imported from the same installation
        if self.use_jemalloc and (library := jemalloc()):
            env["LD_PRELOAD"] = " ".join(filter(None, [env.get("LD_PRELOAD"), library]))
            env.setdefault("MALLOC_CONF", MALLOC_CONF)
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "policykg.engine", str(self.store), self.mode,
            str(self.max_quads), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
            limit=1 << 22,
        )  # fmt: skip
        kind, payload = await self.read()
        opened = decode(payload) if kind is Frame.READY else None
        if not isinstance(opened, Opened):
            raise RuntimeError(f"worker failed to start: {payload!r}")
        self.opened = opened
        return self

    async def send(self, job: Job) -> None:
        """Send ``job`` and wait until the worker has taken it; :class:`NotTaken` if it
        stopped before (killed while idle: the job never ran, another worker may run it)."""
        assert self.proc
        assert self.proc.stdin
        payload = encode(job)
        try:
            self.proc.stdin.write(HEADER.pack(Frame.JOB.value, len(payload)) + payload)
            await self.proc.stdin.drain()
            kind, _ = await self.read()
        except (ConnectionError, WorkerStopped):  # the process is gone (BrokenPipe, reset)
            raise NotTaken(_STOPPED) from None
        if kind is not Frame.TAKEN:
            raise RuntimeError(f"the worker answered {kind} before taking its job")

    @property
    def alive(self) -> bool:
        """Started and not (known to be) exited."""
        return self.proc is not None and self.proc.returncode is None

    async def read(self) -> tuple[Frame, bytes]:
        assert self.proc
        assert self.proc.stdout
        try:
            kind, size = HEADER.unpack(await self.proc.stdout.readexactly(HEADER.size))
            return Frame(kind), await self.proc.stdout.readexactly(size)
        except (asyncio.IncompleteReadError, ConnectionError):
            raise WorkerStopped(_STOPPED) from None

    def ended(self) -> str | None:
        """How the process ended, if it has ("killed by SIGKILL", "exit status 1"), else
        None; looked at without reaping it (the event loop's child watcher does that).

        >>> worker = WorkerProcess(Path("unused"), "read")
        >>> worker.ended() is None  # never started
        True
        """
        if self.proc is None:
            return None
        try:
            info = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # reaped already
            code = self.proc.returncode
            return None if code is None else _describe_exit(code)
        if info is None:
            return None
        if info.si_code == os.CLD_EXITED:
            return _describe_exit(info.si_status)
        return _describe_exit(-info.si_status)

    async def kill(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def close(self) -> None:
        if self.proc and self.proc.returncode is None:
            assert self.proc.stdin
            self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                await self.kill()


def _describe_exit(code: int) -> str:
    """A return code in words: negative is the signal that ended the process.

    >>> _describe_exit(-9), _describe_exit(1)
    ('killed by SIGKILL', 'exit status 1')
    """
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
