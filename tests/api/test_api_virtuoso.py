"""The API over a real Virtuoso 7 loaded with the build: its departures handled, its limits.

Virtuoso's default graph is the union of *every* graph, its own system graphs among them;
the backend names the data graphs on each query instead, so counts and graph lists are the
embedded store's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from policykg.api.service import REMOTE_SEARCH

from policykg.backend_remote import VIRTUOSO_SYSTEM_GRAPHS
from policykg.graph.build import BuildReport
from policykg.remote import RemoteStore
from policykg.settings import Settings

from ..backends import remote_settings
from ..remote.servers import RemoteServer

pytestmark = pytest.mark.server
JSON = {"Accept": "application/sparql-results+json"}
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def _settings(built: tuple[Settings, BuildReport], **values: object) -> Settings:
    return Settings(dist=built[0].dist, workers=1, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def api(built: tuple[Settings, BuildReport], virtuoso_policy: RemoteServer) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(built, **remote_settings(virtuoso_policy)))) as client:
        yield client


@pytest.fixture(scope="module")
def embedded(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(built))) as client:
        yield client


def _values(response_json: dict[str, object]) -> list[list[str | None]]:
    head, results = response_json["head"], response_json["results"]
    columns = head["vars"]  # type: ignore[index]
    return [
        [row[c]["value"] if c in row else None for c in columns]
        for row in results["bindings"]  # type: ignore[index]
    ]


def test_departure_virtuoso_default_graph_holds_its_system_graphs(
    virtuoso_policy: RemoteServer, api: TestClient, embedded: TestClient
) -> None:
    """Asked directly, Virtuoso lists its own graphs too; through the API only the data's."""
    with RemoteStore(virtuoso_policy.endpoint(timeout=120)) as client:
        direct = {str(row["g"].value) for row in client.select(GRAPHS)}  # type: ignore[attr-defined]
    assert any(g.startswith(VIRTUOSO_SYSTEM_GRAPHS) for g in direct)
    mine = api.get("/sparql", params={"query": GRAPHS}, headers=JSON)
    reference = embedded.get("/sparql", params={"query": GRAPHS}, headers=JSON)
    assert mine.status_code == 200, mine.text
    assert _values(mine.json()) == _values(reference.json())
    assert {v[0] for v in _values(mine.json())} < direct


def test_a_named_query_answers_as_on_the_embedded_store(
    api: TestClient, embedded: TestClient
) -> None:
    url = "/queries/status-as-of?date=2025-11-10"
    mine, reference = api.get(url, headers=JSON), embedded.get(url, headers=JSON)
    assert mine.status_code == 200, mine.text
    assert _values(mine.json()) == _values(reference.json())


def test_service_and_syntax_errors_never_reach_the_store(
    api: TestClient, embedded: TestClient
) -> None:
    for query in (
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELEC * WHERE { ?s ?p ?o }",
    ):
        mine = api.get("/sparql", params={"query": query})
        reference = embedded.get("/sparql", params={"query": query})
        assert (mine.status_code, mine.json()) == (reference.status_code, reference.json())


def test_health_and_search(api: TestClient, virtuoso_policy: RemoteServer) -> None:
    health = api.get("/healthz").json()
    assert (health["status"], health["backend"]) == ("ok", "remote")
    assert health["location"] == virtuoso_policy.query_url
    search = api.get("/search", params={"q": "InMail"})
    assert (search.status_code, search.json()["message"]) == (501, REMOTE_SEARCH)


def test_the_time_limit_answers_503(
    built: tuple[Settings, BuildReport], virtuoso_policy: RemoteServer
) -> None:
    settings = _settings(built, query_timeout=1, **remote_settings(virtuoso_policy))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(create_app(settings)) as client:
        response = client.get("/sparql", params={"query": query}, headers=JSON)
    assert response.status_code == 503
    assert response.json()["message"] == "the query exceeded the 1 s time limit and was stopped"
