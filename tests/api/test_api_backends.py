"""The whole API on each backend (tests/backends.py): the embedded store, ``oxigraph serve``
and Virtuoso 7.

Named queries over HTTP give the embedded store's answers (and the goldens' columns and row
counts), resource pages and network views the embedded store's graphs, errors the same
status and body.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from policykg.api.service import REMOTE_SEARCH
from rdflib import Graph
from rdflib.compare import isomorphic

from policykg.graph.build import BuildReport
from policykg.kg import Rows
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary

from ..queries.test_named_queries import EXPECTED, normalise

LIBRARY = QueryLibrary.load(Settings().queries_dir)
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def api(
    built: tuple[Settings, BuildReport], backend_values: dict[str, object]
) -> Iterator[TestClient]:
    settings = Settings(dist=built[0].dist, workers=1, **backend_values)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def embedded(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    """The reference: the embedded store over the same build."""
    with TestClient(create_app(Settings(dist=built[0].dist, workers=1))) as client:
        yield client


def _concatenated(sparql: str) -> dict[str, str]:
    """The columns a query makes with GROUP_CONCAT, and their separators."""
    found = re.finditer(r'GROUP_CONCAT\(.*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', sparql)
    return {match[2]: match[1] for match in found}


def _rows(body: bytes) -> Rows:
    data = json.loads(body)
    columns = data["head"]["vars"]
    records = [
        {c: (b[c]["value"] if c in b else None) for c in columns}
        for b in data["results"]["bindings"]
    ]
    return Rows(columns, records)


@pytest.mark.parametrize("name", [q.name for q in LIBRARY])
def test_named_queries_answer_as_on_the_embedded_store(
    api: TestClient, embedded: TestClient, backend: str, name: str
) -> None:
    query = LIBRARY.get(name)
    if backend != "embedded" and any(p.type == "search" for p in query.params):
        # a named departure: the full-text index is the embedded store's (as for /search)
        response = api.get(f"/queries/{name}", headers=JSON)
        assert response.status_code == 501
        assert response.json() == {
            "error": "Not available",
            "message": REMOTE_SEARCH,
            "status": 501,
        }
        return
    ordered = bool(re.search(r"^ORDER BY", query.sparql, re.MULTILINE))
    answers = []
    for client in (api, embedded):
        response = client.get(f"/queries/{name}", headers=JSON)
        assert response.status_code == 200, response.text
        rows = _rows(response.content)
        for record in rows.records:  # SPARQL leaves the order of GROUP_CONCAT open
            for column, separator in _concatenated(query.sparql).items():
                if record.get(column):
                    parts = sorted(str(record[column]).split(separator))
                    record[column] = separator.join(parts)
        answers.append({"columns": rows.columns, "rows": normalise(rows, ordered)})
    assert answers[0]["columns"] == answers[1]["columns"]
    differing = [
        (c, a, b)
        for mine, reference in zip(answers[0]["rows"], answers[1]["rows"], strict=False)
        for c, a, b in zip(answers[0]["columns"], mine, reference, strict=True)
        if a != b
    ]
    assert differing == []
    assert answers[0] == answers[1]
    expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    assert answers[0]["columns"] == expected["columns"]
    assert len(answers[0]["rows"]) == len(expected["rows"])


def _graph(body: bytes) -> Graph:
    return Graph().parse(data=body, format="turtle")


@pytest.mark.parametrize(
    "path", ["/id/linkedin", "/claim/000/eu-excluded", "/source/000_d336fba75509138b"]
)
def test_resource_pages_are_the_embedded_stores(
    api: TestClient, embedded: TestClient, path: str
) -> None:
    turtle = {"Accept": "text/turtle"}
    mine, reference = api.get(path, headers=turtle), embedded.get(path, headers=turtle)
    assert mine.status_code == reference.status_code == 200
    assert isomorphic(_graph(mine.content), _graph(reference.content))


def test_network_view_is_the_embedded_stores(api: TestClient, embedded: TestClient) -> None:
    url = "/network?as_of=2025-11-10&format=node-link"
    mine, reference = api.get(url), embedded.get(url)
    assert mine.status_code == reference.status_code == 200

    def canonical(data: dict[str, object]) -> str:
        return json.dumps(data, sort_keys=True)

    a, b = mine.json(), reference.json()
    assert sorted(map(canonical, a["nodes"])) == sorted(map(canonical, b["nodes"]))
    assert sorted(map(canonical, a["links"])) == sorted(map(canonical, b["links"]))


def test_service_is_refused_before_the_store_with_the_same_error(
    api: TestClient, embedded: TestClient
) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    mine, reference = (
        api.get("/sparql", params={"query": query}),
        embedded.get("/sparql", params={"query": query}),
    )
    assert (mine.status_code, mine.json()) == (reference.status_code, reference.json())
    assert mine.status_code == 403


def test_syntax_errors_and_406_are_the_embedded_stores(
    api: TestClient, embedded: TestClient
) -> None:
    for params, headers in (
        ({"query": "SELEC * WHERE { ?s ?p ?o }"}, JSON),
        ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, {"Accept": "text/turtle"}),
        ({"query": "SELECT * FROM <http://example.org/nowhere> WHERE { ?s ?p ?o }"}, JSON),
    ):
        mine, reference = (
            api.get("/sparql", params=params, headers=headers),
            embedded.get("/sparql", params=params, headers=headers),
        )
        assert (mine.status_code, mine.json()) == (reference.status_code, reference.json())


def test_row_cap_and_formats_are_the_embedded_stores(
    built: tuple[Settings, BuildReport], backend_values: dict[str, object]
) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) } ORDER BY ?s ?p ?o"
    bodies = []
    for values in ({}, backend_values):
        settings = Settings(dist=built[0].dist, workers=1, max_rows=7, **values)  # type: ignore[arg-type]
        with TestClient(create_app(settings)) as client:
            response = client.get(
                "/sparql", params={"query": query}, headers={"Accept": "text/csv"}
            )
            assert response.headers["X-PolicyKG-Truncated"] == "true"
            assert response.headers["X-PolicyKG-Row-Limit"] == "7"
            bodies.append(response.content)
    assert bodies[0] == bodies[1]
    assert len(bodies[0].splitlines()) == 8  # the header and 7 rows


def test_ask_answers_are_the_embedded_stores(api: TestClient, embedded: TestClient) -> None:
    for query in ("ASK { ?s a schema:NewsArticle }", "ASK { ?s a schema:Nothing }"):
        for accept in (
            "application/sparql-results+json",
            "text/csv",
            "application/sparql-results+xml",
        ):
            mine, reference = (
                client.get("/sparql", params={"query": query}, headers={"Accept": accept})
                for client in (api, embedded)
            )
            assert (mine.status_code, mine.content) == (200, reference.content)


def test_healthz_names_the_backend(api: TestClient, backend: str) -> None:
    health = api.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["backend"] == ("embedded" if backend == "embedded" else "remote")
    if backend != "embedded":
        assert health["location"].startswith("http://127.0.0.1:")
        assert (health["serving"], health["store"], health["inline"]) == (1, None, "off")


def test_search_needs_the_embedded_stores_index(api: TestClient, backend: str) -> None:
    response = api.get("/search", params={"q": "InMail"})
    if backend == "embedded":
        assert response.status_code == 200
        return
    assert response.status_code == 501
    assert response.json() == {"error": "Not available", "message": REMOTE_SEARCH, "status": 501}


def test_the_time_limit_stops_a_remote_query_with_a_503(
    built: tuple[Settings, BuildReport], backend: str, backend_values: dict[str, object]
) -> None:
    """A slow query is answered 503 at the limit (the remote request abandoned then, the
    store told the limit where it takes one), and the store answers again soon after (it
    stopped the query: Virtuoso by its own limit, Oxigraph by ``--timeout-s``)."""
    settings = Settings(dist=built[0].dist, workers=1, query_timeout=1, **backend_values)  # type: ignore[arg-type]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(create_app(settings)) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": query}, headers=JSON)
        took = time.monotonic() - started
        for _ in range(20):
            quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
            if quick.status_code == 200:
                break
    assert response.status_code == 503
    assert response.json() == {
        "error": "Query timed out",
        "message": "the query exceeded the 1 s time limit and was stopped",
        "status": 503,
    }
    assert 1 <= took < 3
    assert (quick.status_code, quick.json()["boolean"]) == (200, True)


def test_remote_store_path_is_none(api: TestClient, backend: str) -> None:
    store = api.app.state.service.source.store  # type: ignore[attr-defined]
    assert (store is None) == (backend != "embedded")
    if store is not None:
        assert isinstance(store, Path)
