"""Bounded GET /sparql queries answered in the server process: the same responses as a worker's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from .apisupport import PEOPLE, PROTOCOL
from .conftest import make_settings

EX = "http://example.org/"


class Counting:
    """Counts the calls of the in-process store and the queries sent to workers."""

    def __init__(self, client: TestClient) -> None:
        self.engine = client.app.state.service.engine  # type: ignore[attr-defined]
        self.before = self.engine.answered["worker"]
        self.tries = 0
        self.original = self.engine.inline.run
        self.engine.inline.run = self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.tries += 1
        return self.original(*args, **kwargs)

    def restore(self) -> None:
        self.engine.inline.run = self.original

    @property
    def calls(self) -> int:
        """Queries that reached a worker."""
        return int(self.engine.answered["worker"] - self.before)


def _client(project_root: Path, **settings: object) -> Iterator[TestClient]:
    app = create_app(make_settings(project_root, **settings), data=[PEOPLE, PROTOCOL])
    with TestClient(app) as client:
        engine = app.state.service.engine  # type: ignore[union-attr]
        client.portal.call(engine.inline_ready)
        # workers start on the on-disk store, whose rows come in another order than a memory
        # copy's (SPARQL leaves it open without ORDER BY): compare once all read memory
        client.portal.call(engine.memory_ready)
        yield client


@pytest.fixture(scope="module")
def inline(project_root: Path) -> Iterator[TestClient]:
    yield from _client(project_root)


@pytest.fixture(scope="module")
def workers_only(project_root: Path) -> Iterator[TestClient]:
    yield from _client(project_root, inline_rows=0)


def _comparable(response: Any) -> tuple[int, dict[str, str], list[bytes]]:
    lines = response.content.splitlines()
    return response.status_code, dict(response.headers), sorted(lines)


@pytest.mark.parametrize(
    "params",
    [
        {"query": f"SELECT ?p ?o WHERE {{ <{EX}bob> ?p ?o }}"},
        {"query": f"SELECT * {{ ?s a <{EX}Person> }}", "format": "csv"},
        {"query": f"PREFIX ex: <{EX}> SELECT ?name {{ ex:carol ex:name ?name }}", "format": "xml"},
        {"query": f"ASK {{ <{EX}alice> <{EX}knows> <{EX}bob> }}", "format": "tsv"},
        {"query": f"SELECT ?s ?o {{ ?s <{EX}knows> ?o }} LIMIT 1"},
    ],
)
@pytest.mark.parametrize("headers", [{}, {"Origin": "https://elsewhere.example"}])
def test_same_response_without_a_worker(
    inline: TestClient, workers_only: TestClient, params: dict[str, str], headers: dict[str, str]
) -> None:
    counter = Counting(inline)
    try:
        fast = inline.get("/sparql", params=params, headers=headers)
    finally:
        counter.restore()
    assert (counter.tries, counter.calls) == (1, 0)
    slow = workers_only.get("/sparql", params=params, headers=headers)
    assert fast.status_code == 200, fast.text
    assert _comparable(fast) == _comparable(slow)


@pytest.mark.parametrize(
    "params",
    [
        {"query": "SELECT * { ?s ?p ?o . ?o ?q ?r }"},  # not bounded
        {"query": f"SELECT ?o {{ <{EX}bob> ?p ?o }}", "default-graph-uri": f"{EX}g"},
        {"query": "SELECT * { ?s ?p }"},  # a syntax error, reported by the usual path
    ],
)
def test_everything_else_goes_to_the_workers(inline: TestClient, params: dict[str, str]) -> None:
    counter = Counting(inline)
    try:
        inline.get("/sparql", params=params)
    finally:
        counter.restore()
    assert counter.calls == 1
    assert counter.tries <= 1  # tried in the server process at most once


def test_a_lookup_over_its_budget_is_tried_in_process_once(project_root: Path) -> None:
    """Over the row budget, a bounded query goes on to a worker after one in-process try."""
    for client in _client(project_root, inline_rows=1):
        counter = Counting(client)
        try:
            response = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        finally:
            counter.restore()
        assert response.status_code == 200
        assert (counter.tries, counter.calls) == (1, 1)
        assert client.get("/healthz").json()["answered"]["worker"] >= 1


def test_row_cap_applies_inline(project_root: Path) -> None:
    for client in _client(project_root, max_rows=2):
        response = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", "format": "tsv"})
        assert response.status_code == 200
        assert response.headers["X-PolicyKG-Truncated"] == "true"
        assert response.headers["X-PolicyKG-Row-Limit"] == "2"
        assert len(response.text.splitlines()) == 3
