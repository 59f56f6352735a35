"""A worker process: the allocator it is started with, and jemalloc's settings."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.engine.process import WorkerProcess, jemalloc


def _threads(pid: int) -> list[str]:
    names = []
    for comm in Path(f"/proc/{pid}/task").glob("*/comm"):
        try:
            names.append(comm.read_text(encoding="utf-8").strip())
        except OSError:  # the thread ended meanwhile
            continue
    return names


async def _worker_threads(store: Path) -> list[str]:
    """The names of a read worker's threads, once jemalloc's background thread is up (or
    after a second)."""
    worker = await WorkerProcess(store, "read").start()
    try:
        assert worker.proc is not None
        for _ in range(20):
            names = _threads(worker.proc.pid)
            if "jemalloc_bg_thd" in names:
                break
            await asyncio.sleep(0.05)
        return names
    finally:
        await worker.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    disk = ox.Store(str(tmp_path / "store"))
    disk.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    disk.flush()
    del disk
    return tmp_path / "store"


def _needs_jemalloc() -> None:
    if jemalloc() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("libjemalloc2 is missing: run scripts/install-debian")
        pytest.skip("libjemalloc2 is not installed")


def test_workers_return_freed_memory_in_the_background(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jemalloc runs its background thread in each worker, which gives a finished query's
    memory back to the system while the worker waits for the next."""
    _needs_jemalloc()
    monkeypatch.delenv("MALLOC_CONF", raising=False)
    assert "jemalloc_bg_thd" in asyncio.run(_worker_threads(store))


def test_a_malloc_conf_of_ones_own_is_kept(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_jemalloc()
    monkeypatch.setenv("MALLOC_CONF", "background_thread:false")
    assert "jemalloc_bg_thd" not in asyncio.run(_worker_threads(store))
