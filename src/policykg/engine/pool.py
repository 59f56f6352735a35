"""Query execution: a pool of worker processes, each with its own copy of the store.

Every worker starts on the on-disk store (RocksDB opened read-only), which takes well
under a second at any size, so the server answers at once. By default
(``memory_max_quads``) each is then replaced, one at a time and in the background, by a
worker holding an in-memory copy of the same store, which answers queries several times
faster: the copy is made in the new worker's own process, and the disk worker is retired
when it is next idle (see :meth:`Engine._upgrade`). A store with more quads than
``memory_max_quads``, or ``memory_max_quads=None`` (``serve --on-disk``), stays on disk.
Memory copies are only ever made of the store the pool opened (the resolved link
target), and a write cancels any copy in flight, so disk and memory workers of one data
generation always answer from the same data. After a write, the new readers copy the
store before the write returns, as they always did (writes come in bursts).

Nothing here blocks the event loop: a job is sent to a free worker and its frames are
read asynchronously, so a slow query occupies one worker while the others keep
answering. The time limit is enforced by killing the worker (pyoxigraph cannot be
interrupted in-thread) and starting a fresh one on disk, which is then replaced by a
memory copy in the background like the first ones. Writes (SPARQL Update, Graph Store
Protocol) take every reader out of service, run in a short-lived writer process, and
start new readers, which then see the new data.

Bounded queries (one triple pattern, :mod:`policykg.engine.inline`) skip the workers: once the
pool is up, the server process copies the store into memory too (up to
``inline_max_quads``; a larger store, or ``--on-disk``, is opened read-only instead), in
a thread, and answers them from there; it is dropped before a write and opened again
after it. :meth:`Engine.query` alone decides where a query runs: in-process at most
once, then on a worker.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from policykg.engine.inline import INLINE_MAX_QUADS, ROW_BUDGET, InlineStore
from policykg.engine.jobs import (
    ExistsJob,
    Frame,
    GraphWriteJob,
    Job,
    JobError,
    LoadJob,
    Opened,
    QueryJob,
    ResultEnd,
    ResultHead,
    Stats,
    StatsJob,
    UpdateJob,
    WholeResult,
    decode,
)
from policykg.engine.lanes import Lanes
from policykg.engine.process import NotTaken, WorkerProcess
from policykg.errors import (
    BadRequest,
    Forbidden,
    NotAcceptable,
    PolicyKGError,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
    WorkerStopped,
)

__all__ = ["Engine", "QueryResult"]

log = logging.getLogger("policykg.engine")


@dataclass
class QueryResult:
    """A result's head (kind, format, whether rows were cut), then its body.

    ``whole`` holds the body when it is under 1 MB (then ``body`` is empty and ``end``
    already known); otherwise ``body`` streams it from the worker (from its temporary
    file, or as it is produced when the query's own LIMIT keeps it within the cap), and
    ``end`` is set once it is read.
    """

    head: ResultHead
    body: AsyncIterator[bytes]
    end: ResultEnd | None = None
    whole: bytes | None = None

    @classmethod
    def complete(cls, result: WholeResult) -> QueryResult:
        return cls(result.head, iter_empty(), result.end, result.body)


def _error(error: JobError, not_acceptable: dict[str, NotAcceptable]) -> PolicyKGError:
    kind, message = error.kind, error.message
    if kind == "syntax":
        return QuerySyntaxError(message)
    if kind == "format":
        return not_acceptable.get(message) or NotAcceptable(f"no format for {message} results")
    if kind == "forbidden":
        return Forbidden(message)
    if kind == "bad_request":
        return BadRequest(message)
    log.error("store error: %s", message)
    return PolicyKGError("the store failed while running this request; see the server log")


class Engine:
    """The worker pool for one on-disk store.

    ``workers`` general workers run any query; ``short_workers`` more are reserved for
    short ones (:attr:`QueryJob.short <policykg.engine.jobs.QueryJob.short>`: the server's
    own stored queries and bounded lookups), which also overtake other queries waiting
    for a worker (see :mod:`policykg.engine.lanes`). ``memory_max_quads``: workers copy a
    store of at most this many quads into memory; ``None`` keeps them on disk.
    ``use_jemalloc``: preload :func:`jemalloc` if installed.
    """

    def __init__(
        self,
        store: Path,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        memory_max_quads: int | None = None,
        use_jemalloc: bool = True,
        inline_rows: int = ROW_BUDGET,
        inline_max_quads: int = INLINE_MAX_QUADS,
        max_waiting: int = 64,
        short_workers: int = 0,
    ) -> None:
        self.store, self.timeout = store, timeout
        #: General workers, reserved workers, and both together.
        self.general, self.reserve = max(1, workers), max(0, short_workers)
        self.size = self.general + self.reserve
        self.max_waiting, self._waiting = max_waiting, 0
        #: Every reader started and not yet discarded or closed (idle or busy).
        self._readers: set[WorkerProcess] = set()
        self._closing = False
        self.memory_max_quads, self.use_jemalloc = memory_max_quads, use_jemalloc
        self.inline_rows, self.inline_max_quads = inline_rows, inline_max_quads
        #: The server process's own copy for bounded queries, once loaded (see inline).
        self.inline: InlineStore | None = None
        self._inline_load: asyncio.Task[None] | None = None
        #: What the last worker started opened.
        self.opened: Opened | None = None
        #: Idle workers (general and reserved) and the queries waiting for one.
        self._lanes: Lanes[WorkerProcess] = Lanes()
        self._write_lock = asyncio.Lock()
        self._stats: Stats | None = None
        #: Queries answered "inline" (in this process) and sent to a "worker".
        self.answered: collections.Counter[str] = collections.Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self.generation = 0
        #: The background task replacing disk workers by memory copies (see _upgrade).
        self._upgrade_task: asyncio.Task[None] | None = None
        self._upgrade_generation = 0
        #: Disk workers still to retire (each one a memory worker has replaced), by
        #: whether they are reserved.
        self._retire = {False: 0, True: 0}
        #: The generation whose store turned out too large to copy into memory.
        self._too_large: int | None = None

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for number, worker in enumerate(workers):
            self._lanes.add(worker, reserved=number >= self.general)
        self._load_inline()
        self._start_upgrade()

    async def close(self) -> None:
        self._closing = True
        await self._stop_upgrade()
        await self.inline_ready()
        for task in list(self._tasks):
            await task
        for worker in self._lanes.drain():
            self._readers.discard(worker)
            self._lanes.forget(worker)
            await worker.close()

    async def _spawn(self, copy: bool = False) -> WorkerProcess:
        """Start a reader on the on-disk store (quick at any size), or with ``copy`` one
        that copies it into memory first (as writes do: see :meth:`write`)."""
        if copy and self.memory_max_quads is not None:
            process = WorkerProcess(
                self.store, "memory", self.memory_max_quads, use_jemalloc=self.use_jemalloc
            )
        else:
            process = WorkerProcess(self.store, "read", use_jemalloc=self.use_jemalloc)
        worker = await process.start()
        self._readers.add(worker)
        self._note(worker)
        return worker

    def _note(self, worker: WorkerProcess) -> None:
        if worker.opened != self.opened:
            self.opened = worker.opened
            log.info("query worker ready: %s", worker.opened)

    def reading(self) -> list[str]:
        """What each live reader queries: "memory" or "disk" (for ``/healthz``)."""
        return sorted(
            worker.opened.store
            for worker in self._readers
            if worker.alive and worker.opened is not None
        )

    @property
    def copying(self) -> bool:
        """Whether memory copies are being made to replace disk workers."""
        return self._upgrade_task is not None and not self._upgrade_task.done()

    @property
    def published_version(self) -> None:
        """None: the build of an on-disk store is the folder it was opened from."""
        return None

    def _start_upgrade(self, *, writing: bool = False) -> None:
        """Replace disk workers by memory copies in the background, unless already doing so
        (a write in progress starts them itself once done)."""
        if self.memory_max_quads is None or self._closing or self._too_large == self.generation:
            return
        if self._write_lock.locked() and not writing:
            return
        if self._upgrade_task is not None and not self._upgrade_task.done():
            if self._upgrade_generation == self.generation:
                return
            self._upgrade_task.cancel()  # copying older data: it kills its own worker
        self._upgrade_generation = self.generation
        self._upgrade_task = asyncio.get_running_loop().create_task(self._upgrade(self.generation))

    async def _stop_upgrade(self) -> None:
        task, self._upgrade_task = self._upgrade_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def memory_ready(self) -> None:
        """Wait until every reader that can be is a memory copy (or the copy failed)."""
        while self._upgrade_task is not None and not self._upgrade_task.done():
            await asyncio.wait({self._upgrade_task})

    async def _upgrade(self, generation: int) -> None:
        """One at a time, start a worker that copies the store into memory, put it in
        service, and retire a disk worker (now if idle, else when its query ends).

        A single copy at a time keeps the extra memory and CPU to one worker's worth
        while the disk workers keep answering."""
        assert self.memory_max_quads is not None
        while not self._closing and generation == self.generation:
            left = {
                reserved: sum(
                    1
                    for w in self._readers
                    if w.opened and w.opened.store == "disk" and self._lanes.reserved(w) == reserved
                )
                - self._retire[reserved]
                for reserved in (False, True)
            }
            if max(left.values()) <= 0:
                return
            reserved = left[False] <= 0  # general workers first; the copy takes that role
            process = WorkerProcess(
                self.store, "memory", self.memory_max_quads, use_jemalloc=self.use_jemalloc
            )
            try:
                worker = await process.start()
            except asyncio.CancelledError:
                await process.kill()
                raise
            except (OSError, RuntimeError, PolicyKGError) as exc:
                await process.kill()
                log.error("could not copy the store into memory; workers stay on disk: %s", exc)
                return
            assert worker.opened is not None
            if worker.opened.store != "memory":
                await worker.close()
                self._too_large = generation
                log.info(
                    "the store has %s quads, over the in-memory limit of %s: workers stay on disk",
                    worker.opened.quads, self.memory_max_quads,
                )  # fmt: skip
                return
            if self._closing or generation != self.generation:
                await worker.close()
                return
            self._readers.add(worker)
            self._note(worker)
            self._retire[reserved] += 1
            self._lanes.add(worker, reserved=reserved)
            for idle in self._lanes.drain():
                self._release(idle)

    def _release(self, worker: WorkerProcess) -> None:
        """Hand a worker back: a disk worker that a memory copy replaced is closed instead."""
        reserved = self._lanes.reserved(worker)
        if (
            self._retire[reserved] > 0
            and worker.opened is not None
            and worker.opened.store == "disk"
        ):
            self._retire[reserved] -= 1
            self._readers.discard(worker)
            self._lanes.forget(worker)
            task = asyncio.get_running_loop().create_task(worker.close())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        self._lanes.put(worker)

    def _load_inline(self) -> None:
        """Open the store for inline lookups in the background (workers answer meanwhile):
        a copy in memory if it has at most ``inline_max_quads`` quads (and the workers copy
        it too), else the on-disk store read-only."""
        if self.inline_rows <= 0:
            return
        limit = (
            0
            if self.memory_max_quads is None
            else min(self.memory_max_quads, self.inline_max_quads)
        )

        async def load() -> None:
            try:
                self.inline = await asyncio.to_thread(
                    InlineStore.open, self.store, max_quads=limit, budget=self.inline_rows
                )
            except (OSError, RuntimeError) as exc:  # the workers still answer everything
                log.error("could not open the store for inline lookups: %s", exc)

        self._inline_load = asyncio.get_running_loop().create_task(load())

    @property
    def inline_state(self) -> str:
        """ "memory" or "disk" (where lookups are read), "loading", or "off"."""
        if self.inline is not None:
            return self.inline.kind
        loading = self._inline_load is not None and not self._inline_load.done()
        return "loading" if loading else "off"

    async def inline_ready(self) -> None:
        """Wait until the inline copy is loaded (or was not made)."""
        if self._inline_load is not None:
            await self._inline_load

    async def _respawn(self, reserved: bool) -> None:
        """Start a replacement reader, retrying each second while it fails."""
        while not self._closing:
            try:
                self._lanes.add(await self._spawn(), reserved=reserved)
                self._start_upgrade()
                return
            except (OSError, RuntimeError, PolicyKGError) as exc:
                log.error("could not start a query worker, retrying in 1 s: %s", exc)
                await asyncio.sleep(1)

    async def _discard(self, worker: WorkerProcess) -> None:
        if (ended := worker.ended()) is not None and worker.proc is not None:
            log.warning("query worker %d had stopped (%s)", worker.proc.pid, ended)
        reserved = self._lanes.reserved(worker)
        self._readers.discard(worker)
        self._lanes.forget(worker)
        await worker.kill()
        task = asyncio.get_running_loop().create_task(self._respawn(reserved))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _remaining(self, deadline: float, what: str) -> float:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise QueryTimeout(f"{what} exceeded the {self.timeout:g} s time limit and was stopped")
        return left

    def serving(self) -> int:
        """How many readers are alive; dead idle ones are replaced (for ``/healthz``)."""
        for worker in self._lanes.drain():
            if worker.alive:
                self._lanes.put(worker)
            else:
                self._replace(worker)
        return sum(1 for worker in self._readers if worker.alive)

    def _replace(self, worker: WorkerProcess) -> None:
        log.warning("a query worker had stopped; starting a new one")
        task = asyncio.get_running_loop().create_task(self._discard(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _acquire(self, deadline: float, *, short: bool, queue: bool = True) -> WorkerProcess:
        """An idle, live worker of the ``short`` lane or the other; at most ``max_waiting``
        callers wait for one (else 503)."""
        self._remaining(deadline, "waiting")
        if queue and not self._lanes.idle(short=short) and self._waiting >= self.max_waiting:
            raise ServerBusy(
                f"the server is busy: {self._waiting} queries already wait for a worker; "
                "retry shortly"
            )
        self._waiting += queue
        try:
            async with asyncio.timeout_at(deadline):  # no extra task, unlike wait_for
                while True:
                    worker = await self._lanes.get(short=short)
                    if worker.alive:
                        return worker
                    self._replace(worker)  # killed while idle: never hand it a job
        except TimeoutError:
            raise QueryTimeout(
                f"the server is busy: no query worker became free within {self.timeout:g} s"
            ) from None
        finally:
            self._waiting -= queue

    async def _send(self, worker: WorkerProcess, job: Job, deadline: float, what: str) -> None:
        self._remaining(deadline, what)
        try:
            async with asyncio.timeout_at(deadline):
                await worker.send(job)
        except TimeoutError:
            raise QueryTimeout(
                f"{what} exceeded the {self.timeout:g} s time limit and was stopped"
            ) from None

    async def _read(self, worker: WorkerProcess, deadline: float, what: str) -> tuple[Frame, bytes]:
        self._remaining(deadline, what)
        try:
            async with asyncio.timeout_at(deadline):
                return await worker.read()
        except TimeoutError:
            raise QueryTimeout(
                f"{what} exceeded the {self.timeout:g} s time limit and was stopped"
            ) from None

    async def _exchange(
        self, job: Job, deadline: float, what: str, *, short: bool
    ) -> tuple[WorkerProcess, Frame, bytes]:
        """Send ``job`` to an idle worker and read its first frame; a failure discards the worker."""
        for _ in range(self.size + 1):
            worker = await self._acquire(deadline, short=short)
            try:
                await self._send(worker, job, deadline, what)
            except NotTaken:  # it died before taking the job (killed while idle): try another
                await self._discard(worker)
                continue
            except BaseException:
                await self._discard(worker)
                raise
            try:
                kind, payload = await self._read(worker, deadline, what)
            except BaseException:
                await self._discard(worker)
                raise
            return worker, kind, payload
        raise WorkerStopped("no query worker could take this request; try again shortly")

    async def query(
        self, job: QueryJob, not_acceptable: dict[str, NotAcceptable] | None = None
    ) -> QueryResult:
        """Run a query where it is cheapest: a bounded one in this process when it is
        answered within the row budget, anything else (or a bounded one over budget) on
        a worker. Raise its error, or return its head and (streaming) body."""
        if self.inline is not None and (answer := self.inline.run(job)) is not None:
            self.answered["inline"] += 1
            return QueryResult.complete(answer)
        self.answered["worker"] += 1
        deadline = asyncio.get_running_loop().time() + self.timeout
        worker, kind, payload = await self._exchange(job, deadline, "the query", short=job.short)
        reply = decode(payload)
        if kind is Frame.ERROR:
            self._release(worker)
            raise _error(reply, not_acceptable or {})
        if kind is Frame.WHOLE:
            self._release(worker)
            return QueryResult.complete(reply)
        result = QueryResult(reply, iter_empty())
        result.body = self._body(worker, deadline, result)
        return result

    async def _body(
        self, worker: WorkerProcess, deadline: float, result: QueryResult
    ) -> AsyncIterator[bytes]:
        done = False
        try:
            while True:
                kind, payload = await self._read(worker, deadline, "the query")
                if kind is Frame.CHUNK:
                    yield payload
                    continue
                result.end = decode(payload)
                done = True
                return
        finally:
            if done:
                self._release(worker)
            else:
                log.warning("query stream stopped early; restarting its worker")
                await self._discard(worker)

    async def _call(self, job: StatsJob | ExistsJob) -> object:
        """Run a small read job on a worker and return its reply."""
        deadline = asyncio.get_running_loop().time() + self.timeout
        worker, kind, payload = await self._exchange(job, deadline, "the request", short=True)
        self._release(worker)
        reply = decode(payload)
        if kind is Frame.ERROR:
            raise _error(reply, {})
        return reply

    async def graph_exists(self, graph: str | None) -> bool:
        """Whether the named graph exists (the default graph always does)."""
        exists = await self._call(ExistsJob(graph))
        assert isinstance(exists, bool)
        return exists

    async def stats(self) -> Stats:
        """Dataset counts, computed once per data generation."""
        if self._stats is None:
            stats = await self._call(StatsJob())
            assert isinstance(stats, Stats)
            self._stats = stats
        return self._stats

    async def write(self, job: UpdateJob | GraphWriteJob) -> object:
        """Run a write job alone: readers are stopped, then restarted on the new data.
        Returns the job's reply (for a Graph Store write: whether the graph existed)."""
        async with self._write_lock:
            await self._stop_upgrade()  # no copy of the old data may join afterwards
            self._retire = {False: 0, True: 0}  # every reader, disk or memory, is taken below
            await self.inline_ready()  # a load still reading the store finishes first
            self.inline = None  # stale from now on; reloaded after the write
            deadline = asyncio.get_running_loop().time() + self.timeout
            count = max(self.size, len(self._readers))
            taken = [await self._acquire(deadline, short=True, queue=False) for _ in range(count)]
            self._readers.difference_update(taken)
            for worker in taken:
                self._lanes.forget(worker)
            try:
                await asyncio.gather(*(w.close() for w in taken))
                return await self._run_writer(job, deadline)
            finally:
                self._stats = None
                self.generation += 1
                # A write's readers copy the new data before it returns, as before: writes
                # come in bursts, and a copy in the background would be cancelled by each.
                spawned = (self._spawn(copy=True) for _ in range(self.size))
                for number, worker in enumerate(await asyncio.gather(*spawned)):
                    self._lanes.add(worker, reserved=number >= self.general)
                self._load_inline()

    async def _run_writer(self, job: UpdateJob | GraphWriteJob, deadline: float) -> object:
        writer = await WorkerProcess(self.store, "write", use_jemalloc=self.use_jemalloc).start()
        try:
            await self._send(writer, job, deadline, "the update")
            kind, payload = await self._read(writer, deadline, "the update")
        except BaseException:
            await writer.kill()
            raise
        await writer.close()
        reply = decode(payload)
        if kind is Frame.ERROR:
            raise _error(reply, {})
        return reply

    @staticmethod
    async def load(store: Path, files: list[tuple[str, str]]) -> None:
        """Create ``store`` and load the given (path, format name) files into it."""
        writer = await WorkerProcess(store, "write").start()
        await writer.send(LoadJob(tuple(files)))
        kind, payload = await writer.read()
        await writer.close()
        if kind is Frame.ERROR:
            raise BadRequest(decode(payload).message)


async def iter_empty() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover
