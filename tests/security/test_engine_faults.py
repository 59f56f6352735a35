"""Worker faults, the bounded wait for a worker, per-client limits, scans off the event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from policykg.api.guard import Guard

from policykg.engine.pool import Engine
from policykg.settings import Settings
from policykg.sparql import safety
from tests.api.apisupport import PEOPLE
from tests.api.conftest import make_settings
from tests.processes import kill_child

QJSON = {"Accept": "application/sparql-results+json"}
#: Two patterns: never answered in the server process, always by a worker.
WORKER_QUERY = "SELECT ?n { ?p <http://example.org/name> ?n . ?p <http://example.org/age> ?a }"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.service.engine  # type: ignore[attr-defined]
    return engine


def _kill_workers(engine: Engine) -> list[asyncio.subprocess.Process]:
    """Kill every worker the engine has now; the processes killed."""
    killed = []
    for worker in list(engine._readers):
        assert worker.proc is not None
        kill_child(worker.proc.pid)
        killed.append(worker.proc)
    return killed


def _wait_for(predicate: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    pytest.fail("condition not reached in time")


def test_killed_workers_make_healthz_degraded_then_are_replaced(hostile_root: Path) -> None:
    app = create_app(make_settings(hostile_root, query_timeout=60), data=[PEOPLE])
    with TestClient(app) as client:
        engine = _engine(client)
        _kill_workers(engine)
        _wait_for(lambda: not any(w.alive for w in engine._readers))
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "degraded"
        assert health.json()["serving"] == 0
        # the next query waits for a replacement instead of failing
        response = client.get("/sparql", params={"query": WORKER_QUERY}, headers=QJSON)
        assert response.status_code == 200, response.text
        assert {b["n"]["value"] for b in response.json()["results"]["bindings"]} >= {"Alice"}
        _wait_for(lambda: client.get("/healthz").json()["serving"] == engine.size)
        assert client.get("/healthz").status_code == 200


def test_a_worker_dying_mid_query_is_a_503_and_it_is_replaced(hostile_root: Path) -> None:
    app = create_app(make_settings(hostile_root, workers=1, query_timeout=120), data=[PEOPLE])
    slow = "SELECT (COUNT(*) AS ?n) { " + " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(7)) + "}"
    with TestClient(app) as client:
        engine = _engine(client)

        def kill_soon() -> None:
            _wait_for(lambda: not engine._lanes.idle(short=False), 60)  # it has its worker
            time.sleep(0.5)
            _kill_workers(engine)

        killer = threading.Thread(target=kill_soon)
        killer.start()
        response = client.get("/sparql", params={"query": slow}, headers=QJSON)
        killer.join()
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json() == {
            "error": "Worker stopped",
            "message": "the worker running this request stopped (killed, or out of memory); "
            "it is being replaced: try again, or simplify the request",
            "status": 503,
        }
        again = client.get("/sparql", params={"query": WORKER_QUERY}, headers=QJSON)
        assert again.status_code == 200


def test_a_full_wait_queue_answers_503_with_retry_after(hostile_root: Path) -> None:
    settings = make_settings(hostile_root, workers=1, max_waiting=0, query_timeout=60)
    with TestClient(create_app(settings, data=[PEOPLE])) as client:
        engine = _engine(client)
        # the only general worker is busy (a client query may not take the reserved one)
        worker = client.portal.call(partial(engine._lanes.get, short=False))
        try:
            response = client.get("/sparql", params={"query": WORKER_QUERY}, headers=QJSON)
        finally:
            engine._lanes.put(worker)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json() == {
            "error": "Server busy",
            "message": "the server is busy: 0 queries already wait for a worker; retry shortly",
            "status": 503,
        }
        assert client.get("/sparql", params={"query": WORKER_QUERY}).status_code == 200


def test_per_client_limit_answers_429_with_retry_after() -> None:
    release = asyncio.Event()
    seen: list[int] = []

    async def slow_app(scope: object, receive: object, send: object) -> None:
        await release.wait()

    guard = Guard(slow_app, settings=Settings(max_per_client=2))

    async def run() -> None:
        scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/",
                 "query_string": b"", "headers": [], "client": ("10.0.0.1", 1)}  # fmt: skip
        sent: list[dict[str, object]] = []

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b""}

        held = [asyncio.create_task(guard(scope, receive, send)) for _ in range(2)]
        await asyncio.sleep(0)
        await guard(scope, receive, send)  # a third at once: refused
        other = {**scope, "client": ("10.0.0.2", 1)}
        third = asyncio.create_task(guard(other, receive, send))  # another client: admitted
        await asyncio.sleep(0)
        seen.append(int(sent[0]["status"]))  # type: ignore[call-overload]
        headers = dict(sent[0]["headers"])  # type: ignore[call-overload]
        assert headers[b"retry-after"] == b"1"
        assert b'"error":"Too many requests"' in sent[1]["body"]  # type: ignore[operator]
        release.set()
        await asyncio.gather(*held, third)
        assert guard._active == {}

    asyncio.run(run())
    assert seen == [429]


def test_the_fast_lane_scans_off_the_event_loop(reader: TestClient) -> None:
    threads: list[int] = []
    original = safety._parse

    def spy(*args: object) -> object:
        threads.append(threading.get_ident())
        return original(*args)  # type: ignore[arg-type]

    async def ident() -> int:
        return threading.get_ident()

    loop_thread = reader.portal.call(ident)
    safety._parse, saved = spy, safety._parse  # type: ignore[assignment]
    try:
        lookup = "SELECT ?o FROM <http://example.org/g1> { <http://example.org/a> ?p ?o }"
        response = reader.get("/sparql", params={"query": lookup + " #" + "x" * 2_100})
    finally:
        safety._parse = saved
    assert response.status_code in (200, 403)
    assert threads
    assert loop_thread not in threads


def _store(path: Path, value: str) -> None:
    import pyoxigraph as ox

    store = ox.Store(str(path))
    graph = ox.NamedNode("http://e/g")
    store.add(
        ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(value), graph)
    )
    store.flush()
    del store


def test_one_dataset_per_server_even_when_the_store_link_moves(
    tmp_path: Path, hostile_root: Path
) -> None:
    dist = tmp_path / "dist"
    (dist / "stores").mkdir(parents=True)
    _store(dist / "stores" / "a", "old")
    _store(dist / "stores" / "b", "new")
    (dist / "store").symlink_to("stores/a")
    query = "SELECT ?o { ?s <http://e/p> ?o . ?s ?p ?o }"  # two patterns: a worker's
    lookup = "SELECT ?o { <http://e/s> <http://e/p> ?o }"  # one: the server process's copy
    app = create_app(make_settings(hostile_root, dist=dist, query_timeout=60))
    with TestClient(app) as client:
        client.portal.call(_engine(client).inline_ready)
        (dist / "store").unlink()
        (dist / "store").symlink_to("stores/b")  # as `policykg build` switches it
        engine = _engine(client)
        killed = _kill_workers(engine)
        # (the engine may start others meanwhile: its copies in memory, once loaded)
        _wait_for(lambda: all(proc.returncode is not None for proc in killed))
        for text in (query, lookup, query):
            response = client.get("/sparql", params={"query": text}, headers=QJSON)
            assert response.status_code == 200, response.text
            rows = response.json()["results"]["bindings"]
            assert [b["o"]["value"] for b in rows] == ["old"], rows


#: Runs far past any time limit here (a cross product of nine scans).
SLOW = "SELECT (COUNT(*) AS ?n) { " + " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(9)) + "}"


def test_short_queries_are_answered_while_slow_ones_hold_every_general_worker(
    hostile_root: Path,
) -> None:
    """Slow client queries hold every general worker until their time limit; meanwhile a
    named query (CONSTRUCT) and a lookup over the inline row budget (so it needs a worker)
    are answered by the worker reserved for short queries, exactly as when the server was
    calm, before any slow query has ended; the slow ones then answer 503 at the limit."""
    settings = make_settings(hostile_root, workers=2, query_timeout=12, inline_rows=1)
    lookup = "SELECT ?p ?o { <http://example.org/alice> ?p ?o }"
    short = [
        ("/queries/ages", {"format": "nt"}, {}),
        ("/sparql", {"query": lookup}, QJSON),
    ]
    with TestClient(create_app(settings, data=[PEOPLE])) as client:
        engine = _engine(client)
        client.portal.call(engine.memory_ready)
        client.portal.call(engine.inline_ready)
        assert (engine.general, engine.reserve) == (settings.workers, settings.short_workers)
        calm = [client.get(path, params=params, headers=headers) for path, params, headers in short]
        assert [r.status_code for r in calm] == [200] * len(short), [r.text for r in calm]
        slow: list[tuple[int, object]] = []

        def run_slow() -> None:
            response = client.get("/sparql", params={"query": SLOW}, headers=QJSON)
            slow.append((response.status_code, response.json()))

        threads = [threading.Thread(target=run_slow) for _ in range(engine.general)]
        for thread in threads:
            thread.start()
        _wait_for(lambda: engine._lanes.all_idle == engine.reserve, 30)  # generals all busy
        answered_before = engine.answered["worker"]
        stormy = [
            client.get(path, params=params, headers=headers) for path, params, headers in short
        ]
        assert all(thread.is_alive() for thread in threads)  # no slow query had ended yet
        assert engine.answered["worker"] == answered_before + len(short)  # workers answered
        for got, want in zip(stormy, calm, strict=True):
            assert got.status_code == 200, got.text
            assert got.headers["content-type"] == want.headers["content-type"]
            assert got.content == want.content
        for thread in threads:
            thread.join()
        timed_out = {
            "error": "Query timed out",
            "message": "the query exceeded the 12 s time limit and was stopped",
            "status": 503,
        }
        assert slow == [(503, timed_out)] * engine.general
