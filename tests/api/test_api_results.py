"""Result formats, content negotiation, limits, time limits and the error shape."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from policykg.api.results import ResultStream

from policykg.engine.process import jemalloc
from policykg.errors import PolicyKGError, QueryTimeout, WorkerStopped

from .apisupport import PEOPLE, select
from .conftest import make_settings

NAMES = "SELECT ?name WHERE { ?s <http://example.org/name> ?name } ORDER BY ?name"
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a {1 2 3 4 5 6 7 8 9 10} "
    + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8))
    + " }"
)


def test_error_shape_is_fixed(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message", "status"}
    assert response.json()["status"] == 400
    assert client.get("/nowhere").json() == {
        "error": "Not found",
        "message": "Not Found",
        "status": 404,
    }


@pytest.mark.parametrize(
    ("fmt", "media", "body"),
    [
        ("csv", "text/csv", 'name\r\nAlice\r\n"Bob, ""the builder"""\r\n"Carol\nline two"\r\n'),
        (
            "tsv",
            "text/tab-separated-values",
            '?name\n"Alice"\n"Bob, \\"the builder\\""\n"Carol\\nline two"@en\n',
        ),
    ],
)
def test_select_text_formats(client: TestClient, fmt: str, media: str, body: str) -> None:
    response = client.get("/sparql", params={"query": NAMES, "format": fmt})
    assert response.headers["content-type"] == media + "; charset=utf-8"
    assert response.text == body


def test_select_json_and_xml(client: TestClient) -> None:
    rows = select(client, NAMES)
    assert [r["name"] for r in rows] == ["Alice", 'Bob, "the builder"', "Carol\nline two"]
    response = client.get(
        "/sparql", params={"query": NAMES}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert response.headers["content-type"] == "application/sparql-results+xml; charset=utf-8"
    assert '<literal xml:lang="en">Carol\nline two</literal>' in response.text


def test_conneg_q_values_and_wildcards(client: TestClient) -> None:
    accept = "application/sparql-results+json;q=0.2, text/csv;q=0.9, */*;q=0.1"
    response = client.get("/sparql", params={"query": NAMES}, headers={"Accept": accept})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    response = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/*"},
    )
    assert response.headers["content-type"] == "application/n-triples; charset=utf-8", response.text


def test_not_acceptable(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": NAMES}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert response.json()["message"] == (
        "none of the accepted media types (text/turtle) is available for SELECT/ASK results; "
        "available: application/sparql-results+json, application/sparql-results+xml, text/csv, "
        "text/tab-separated-values"
    )
    response = client.get("/sparql", params={"query": NAMES, "format": "turtle"})
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("fmt", "media", "needle"),
    [
        ("turtle", "text/turtle", '<http://example.org/name> "Alice"'),
        (
            "ntriples",
            "application/n-triples",
            '<http://example.org/alice> <http://example.org/name> "Alice" .',
        ),
        (
            "nquads",
            "application/n-quads",
            '<http://example.org/alice> <http://example.org/name> "Alice" .',
        ),
        ("trig", "application/trig", '<http://example.org/name> "Alice"'),
        ("rdfxml", "application/rdf+xml", "Alice</"),
    ],
)
def test_construct_formats(client: TestClient, fmt: str, media: str, needle: str) -> None:
    query = "CONSTRUCT WHERE { <http://example.org/alice> <http://example.org/name> ?n }"
    response = client.get("/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert needle in response.text


def test_jsonld_is_compacted_with_the_project_context(client: TestClient) -> None:
    query = "CONSTRUCT WHERE { <http://example.org/alice> <http://example.org/name> ?n ; <http://example.org/age> ?a }"
    response = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/ld+json"}
    )
    document = response.json()
    assert document["@context"]["name"] == "http://example.org/name"
    assert document["@id"] == "ex:alice"
    assert document["name"] == "Alice"
    assert document["age"] == "41"


def test_jsonld_without_a_context(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    with TestClient(create_app(make_settings(tmp_path, workers=1), data=[PEOPLE])) as client:
        query = "CONSTRUCT WHERE { <http://example.org/alice> <http://example.org/name> ?n }"
        response = client.get("/sparql", params={"query": query, "format": "jsonld"})
        assert json.loads(response.text) == [
            {"@id": "http://example.org/alice", "http://example.org/name": [{"@value": "Alice"}]}
        ]


def test_row_cap_truncates_with_a_signal(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    settings = make_settings(tmp_path, workers=1, max_rows=2)
    with TestClient(create_app(settings, data=[PEOPLE])) as client:
        for fmt in ("json", "xml", "csv", "tsv"):
            response = client.get("/sparql", params={"query": NAMES, "format": fmt})
            assert response.headers["X-PolicyKG-Truncated"] == "true"
            assert response.headers["X-PolicyKG-Row-Limit"] == "2"
            assert "Carol" not in response.text
            assert "Bob" in response.text
        assert [r["name"] for r in select(client, NAMES)] == ["Alice", 'Bob, "the builder"']
        response = client.get(
            "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"}
        )
        assert response.text.count("\n") == 2
        assert response.headers["X-PolicyKG-Truncated"] == "true"
        response = client.get("/sparql", params={"query": NAMES + " LIMIT 2"})
        assert response.headers["X-PolicyKG-Truncated"] == "false"


def test_small_results_in_one_piece_large_ones_streamed(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": NAMES})
    assert response.headers["content-length"] == str(len(response.content))
    assert response.headers["X-PolicyKG-Truncated"] == "false"
    numbers = " ".join(str(i) for i in range(100))
    large = f"SELECT ?a ?b {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}"
    response = client.get("/sparql", params={"query": large})
    assert len(response.content) > 1 << 20  # over the first flush: streamed
    assert "content-length" not in response.headers
    assert response.headers["X-PolicyKG-Truncated"] == "false"
    assert len(response.json()["results"]["bindings"]) == 10_000


def test_truncation_flag_is_exact_for_streamed_results(tmp_path: Path) -> None:
    """Over 1 MB and over (or exactly at) the cap: the header still knows."""
    (tmp_path / "queries").mkdir()
    numbers = " ".join(str(i) for i in range(100))
    large = f"SELECT ?a ?b {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}"
    for cap, truncated in ((9_999, "true"), (10_000, "false")):
        settings = make_settings(tmp_path, workers=1, max_rows=cap)
        with TestClient(create_app(settings, data=[PEOPLE])) as client:
            for fmt in ("json", "xml"):
                response = client.get("/sparql", params={"query": large, "format": fmt})
                assert "content-length" not in response.headers  # streamed
                assert response.headers["X-PolicyKG-Truncated"] == truncated
                rows = (
                    response.text.count("<result>")
                    if fmt == "xml"
                    else len(response.json()["results"]["bindings"])
                )
                assert rows == cap


def test_query_length_and_body_caps(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    settings = make_settings(tmp_path, workers=1, max_query_chars=40, max_body_bytes=60)
    with TestClient(create_app(settings, data=[PEOPLE])) as client:
        response = client.get(
            "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1000000"}
        )
        assert response.status_code == 413
        assert response.json()["message"] == "the query has 41 characters; the limit is 40"
        response = client.post(
            "/sparql",
            content="ASK {}" + " " * 100,
            headers={"Content-Type": "application/sparql-query"},
        )
        assert response.status_code == 413
        assert response.json()["message"] == "the request body is 106 bytes; the limit is 60"


def test_timeout_stops_the_query_and_keeps_serving(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    settings = make_settings(tmp_path, workers=2, query_timeout=1.5)
    with TestClient(create_app(settings, data=[PEOPLE])) as client:
        slow: dict[str, object] = {}

        def run_slow() -> None:
            started = time.monotonic()
            response = client.get("/sparql", params={"query": SLOW})
            slow.update(
                status=response.status_code, body=response.json(), took=time.monotonic() - started
            )

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert select(client, "SELECT (1 AS ?one) {}") == [{"one": "1"}]
        assert time.monotonic() - started < 1.0  # the fast query did not wait for the slow one
        thread.join()
        assert slow["status"] == 503
        assert slow["body"] == {
            "error": "Query timed out",
            "message": "the query exceeded the 1.5 s time limit and was stopped",
            "status": 503,
        }
        assert slow["took"] < 3.0  # type: ignore[operator]
        for _ in range(3):  # the killed worker was replaced
            assert select(client, "SELECT (2 AS ?two) {}") == [{"two": "2"}]


def test_cors_for_reads_without_credentials(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/store",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 400  # no cross-site authenticated writes


def test_healthz(client: TestClient) -> None:
    client.portal.call(client.app.state.service.engine.inline_ready)  # type: ignore[union-attr,attr-defined]
    client.portal.call(client.app.state.service.engine.memory_ready)  # type: ignore[union-attr,attr-defined]
    health = client.get("/healthz").json()
    answered = health.pop("answered")
    assert set(answered) <= {"inline", "worker"}
    settings = client.app.state.service.settings  # type: ignore[attr-defined]
    workers = settings.workers + settings.short_workers  # general and reserved
    assert health == {
        "status": "ok",
        "workers": workers,
        "serving": workers,
        "store": "memory",
        "allocator": "jemalloc" if jemalloc() else "system",
        "inline": "memory",
        "readers": ["memory"] * workers,
        "copying": False,
        "generation": 0,
        "updates": False,
        "backend": "embedded",
        "location": None,
    }


def test_on_disk_and_over_the_memory_limit_query_the_store_read_only(project_root: Path) -> None:
    for overrides in ({"on_disk": True}, {"memory_max_quads": 1, "jemalloc": False}):
        app = create_app(make_settings(project_root, workers=1, **overrides), data=[PEOPLE])
        with TestClient(app) as client:
            client.portal.call(app.state.service.engine.inline_ready)
            client.portal.call(app.state.service.engine.memory_ready)
            assert client.get("/healthz").json()["store"] == "disk"
            workers = client.get("/healthz").json()["workers"]  # general and reserved
            assert client.get("/healthz").json()["readers"] == ["disk"] * workers
            assert client.get("/healthz").json()["inline"] == "disk"  # no copy of a big store
            if not overrides.get("jemalloc", True):
                assert client.get("/healthz").json()["allocator"] == "system"
            assert [r["name"] for r in select(client, NAMES)][:1] == ["Alice"]
            lookup = "SELECT ?n { <http://example.org/alice> <http://example.org/name> ?n }"
            assert select(client, lookup) == [{"n": "Alice"}]  # read inline, on disk


def test_inline_lookups_can_be_turned_off(project_root: Path) -> None:
    app = create_app(make_settings(project_root, workers=1, inline_rows=0), data=[PEOPLE])
    with TestClient(app) as client:
        client.portal.call(app.state.service.engine.inline_ready)
        assert client.get("/healthz").json()["inline"] == "off"
        assert [r["name"] for r in select(client, NAMES)][:1] == ["Alice"]


def test_access_log_is_json_lines(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="policykg.access"):
        client.get("/healthz")
    entry = json.loads(caplog.records[-1].getMessage())
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert isinstance(entry["ms"], float)


@pytest.mark.parametrize(
    "error",
    [
        QueryTimeout("the query exceeded the 1 s time limit and was stopped"),
        WorkerStopped("the worker running this request stopped"),
    ],
)
def test_a_stream_cut_short_never_looks_complete(
    error: PolicyKGError, caplog: pytest.LogCaptureFixture
) -> None:
    """An error after a streamed result's first bytes: the response ends without its last
    chunk, so the server closes the connection (uvicorn does when the app returns with the
    response incomplete) and the client sees an incomplete body; one warning, no traceback."""

    async def body() -> AsyncIterator[bytes]:
        yield b"?name\n"
        raise error

    messages: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    async def receive() -> dict[str, object]:
        await asyncio.sleep(3600)  # no disconnect while the body is sent
        return {"type": "http.disconnect"}

    scope = {"type": "http", "asgi": {"spec_version": "2.4"}, "method": "GET", "path": "/"}
    with caplog.at_level(logging.WARNING, logger="policykg.api"):
        asyncio.run(ResultStream(body())(scope, receive, send))  # type: ignore[arg-type]
    assert [(m["type"], m.get("body"), m.get("more_body")) for m in messages] == [
        ("http.response.start", None, None),
        ("http.response.body", b"?name\n", True),
    ]
    assert [r.getMessage() for r in caplog.records] == [
        f"result cut after 6 bytes, the connection closed: {error}"
    ]
