"""The worker pool: on disk and in memory, time limits, updates, the in-process store."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from policykg.engine.inline import InlineStore
from policykg.engine.jobs import QueryJob, UpdateJob
from policykg.engine.pool import Engine, QueryResult
from policykg.engine.process import jemalloc
from policykg.errors import QuerySyntaxError, QueryTimeout
from policykg.sparql.results import ResultSpec


async def _content(result: QueryResult) -> bytes:
    """The whole body: in one piece when small, else streamed."""
    streamed = b"".join([chunk async for chunk in result.body])
    assert result.whole is None or streamed == b""
    return result.whole if result.whole is not None else streamed


@pytest.mark.parametrize(
    ("memory_max_quads", "store_kind"), [(None, "disk"), (1000, "memory"), (0, "disk")]
)
def test_engine_pool(tmp_path: Path, memory_max_quads: int | None, store_kind: str) -> None:
    """On disk, in memory, and on disk because the store is over the in-memory limit."""
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/s> <http://e/p> 1 .\n")

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=1, timeout=1, memory_max_quads=memory_max_quads)
        await engine.start()
        try:
            assert engine.reading() == ["disk"]  # every worker starts on disk
            await engine.memory_ready()
            assert engine.reading() == [store_kind]
            assert engine.opened is not None
            assert engine.opened.store == store_kind
            assert engine.opened.allocator == ("jemalloc" if jemalloc() else "system")
            job = QueryJob("SELECT ?o { ?s ?p ?o }", ResultSpec("tsv", None, 10))
            result = await engine.query(job)
            assert await _content(result) == b"?o\n1\n"
            with pytest.raises(QuerySyntaxError):
                await engine.query(replace(job, query="SELECT"))
            values = " ".join(f"VALUES ?v{i} {{1 2 3 4 5 6 7 8 9}}" for i in range(10))
            with pytest.raises(QueryTimeout):
                await engine.query(replace(job, query="SELECT (COUNT(*) AS ?n) { " + values + " }"))
            engine.timeout = 60  # the killed worker is replaced; a loaded machine may take seconds
            result = await engine.query(job)  # a fresh worker took over, with the same data
            assert await _content(result) == b"?o\n1\n"
            assert (await engine.stats()).triples == 1  # on a worker: the replacement is up
            await engine.memory_ready()
            assert engine.reading() == [store_kind]
            await engine.write(UpdateJob("INSERT DATA { <http://e/s> <http://e/p> 2 }"))
            result = await engine.query(job)  # recycled workers see the update
            assert sorted((await _content(result)).split()) == [b"1", b"2", b"?o"]
            await engine.memory_ready()
            assert engine.reading() == [store_kind]
            result = await engine.query(job)  # the memory copy holds the update too
            assert sorted((await _content(result)).split()) == [b"1", b"2", b"?o"]
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_lookups_fall_back_to_workers_if_the_store_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/s> <http://e/p> 1 .\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(InlineStore, "open", fail)

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=1, timeout=5, memory_max_quads=1000)
        await engine.start()
        try:
            await engine.inline_ready()
            assert engine.inline_state == "off"
            job = QueryJob("SELECT ?o { <http://e/s> ?p ?o }", ResultSpec("tsv", None, 10))
            assert engine.inline is None
            assert await _content(await engine.query(job)) == b"?o\n1\n"
        finally:
            await engine.close()

    asyncio.run(scenario())
    assert "could not open the store for inline lookups: no space left" in caplog.text


def test_workers_answer_from_disk_while_memory_copies_load(tmp_path: Path) -> None:
    """Start-up does not wait for the copies: queries are answered on disk, each worker is
    replaced by a memory copy of the same data; after a write, only workers of the new data."""
    data = tmp_path / "d.ttl"
    data.write_text("".join(f"<http://e/s{i}> <http://e/p> {i} .\n" for i in range(20_000)))
    count = QueryJob("SELECT (COUNT(*) AS ?n) { ?s <http://e/p> ?o }", ResultSpec("tsv", None, 10))

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=2, timeout=60, memory_max_quads=10**6)
        await engine.start()
        try:
            assert engine.copying
            assert engine.reading() == ["disk", "disk"]
            assert await _content(await engine.query(count)) == b"?n\n20000\n"
            await engine.memory_ready()
            assert not engine.copying
            assert engine.reading() == ["memory", "memory"]
            assert len(engine._readers) == 2  # the disk workers were retired
            assert await _content(await engine.query(count)) == b"?n\n20000\n"
            await engine.write(UpdateJob("INSERT DATA { <http://e/new> <http://e/p> 0 }"))
            assert engine.reading() == ["memory", "memory"]  # copied before the write returned
            assert not engine.copying
            await engine.write(UpdateJob("INSERT DATA { <http://e/new2> <http://e/p> 0 }"))
            assert await _content(await engine.query(count)) == b"?n\n20002\n"
            await engine.memory_ready()
            assert engine.reading() == ["memory", "memory"]
            assert len(engine._readers) == 2
            for _ in range(4):  # whichever worker answers
                assert await _content(await engine.query(count)) == b"?n\n20002\n"
        finally:
            await engine.close()

    asyncio.run(scenario())


def _dead(pid: int) -> bool:
    """Whether the process has exited (a zombie not yet reaped, or gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # reaped already
        return True


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_killed_while_idle_is_passed_over(tmp_path: Path, workers: int) -> None:
    """Killed while idle and not yet known to be dead (the event loop has not run since):
    the next query is not lost with it. The job goes to another worker, or a new one."""
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/s> <http://e/p> 1 .\n")
    count = QueryJob("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", ResultSpec("tsv", None, 10))

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=workers, timeout=30, inline_rows=0)
        await engine.start()
        try:
            for _ in range(3):
                async with asyncio.timeout(30):  # the last round's replacements start
                    while engine.serving() < workers:
                        await asyncio.sleep(0.05)
                victims = list(engine._readers)
                for victim in victims:
                    assert victim.proc is not None
                    victim.proc.kill()
                    while not _dead(victim.proc.pid):  # blocks the loop: nothing reaps it
                        pass
                    assert victim.alive  # as far as the server knows
                assert await _content(await engine.query(count)) == b"?n\n1\n"
        finally:
            await engine.close()

    asyncio.run(scenario())
