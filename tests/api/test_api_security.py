"""No outbound requests on a user's behalf: SERVICE, LOAD, FROM <remote>, remote contexts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.errors import BadRequest

from .apisupport import AUTH, DATA, PEOPLE, TOKEN, ask, select
from .conftest import make_settings

# Port 9 (discard) is refused by pyoxigraph's HTTP client, so a missed SERVICE would
# show up as a store error rather than a network request.
EVIL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{EVIL}> {{ ?s ?p ?o }} }}",
        "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        f"SELECT * WHERE {{ FILTER(?x < 'a>') SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403
    assert response.json()["message"] == (
        f"SERVICE <{EVIL}> is refused: this endpoint makes no outbound requests on a user's "
        "behalf unless the target is in its allow-list"
    )


def test_service_variable_is_refused(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"})
    assert response.status_code == 403


def test_service_words_in_strings_and_comments_are_fine(client: TestClient) -> None:
    query = f"SELECT ?service WHERE {{ BIND('SERVICE <{EVIL}> {{}}' AS ?service) }} # SERVICE <{EVIL}> {{}}"
    assert select(client, query) == [{"service": f"SERVICE <{EVIL}> {{}}"}]


def test_unparseable_service_mention_is_refused(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": f"SELECT * {{ SERVICE <{EVIL}> {{ ?s ?p }} }}"}
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("this request mentions SERVICE or LOAD")


def test_allow_listed_service_is_attempted(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    settings = make_settings(tmp_path, workers=1, service_allowlist=[EVIL])
    with TestClient(create_app(settings, data=[PEOPLE])) as client:
        response = client.get(
            "/sparql", params={"query": f"SELECT * {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}"}
        )
        assert response.status_code == 500  # pyoxigraph tried, and port 9 is not allowed
        assert (
            response.json()["message"]
            == "the store failed while running this request; see the server log"
        )


def test_from_a_local_graph_is_fine_and_a_remote_one_refused(client: TestClient) -> None:
    local = "http://kasei.us/2009/09/sparql/data/data1.rdf"
    assert ask(client, f"ASK FROM <{local}> {{ <{local}> a ?t }}") is True
    response = client.get(
        "/sparql", params={"query": "ASK FROM <http://example.org/remote.ttl> { ?s ?p ?o }"}
    )
    assert response.status_code == 403
    assert response.json()["message"] == (
        "FROM <http://example.org/remote.ttl> names no graph in this dataset; this endpoint "
        "never fetches remote data"
    )


def test_load_is_refused_even_with_the_token(writer: TestClient) -> None:
    response = writer.post(
        "/sparql",
        content=f"LOAD <{EVIL}>",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 403
    assert response.json()["message"].startswith(f"LOAD <{EVIL}> is refused")


def test_jsonld_remote_context_is_never_fetched(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    app = create_app(make_settings(tmp_path, workers=1), data=[DATA / "remote-context.jsonld"])
    with pytest.raises(BadRequest) as caught, TestClient(app):
        pass
    assert "context" in caught.value.message.lower()


def test_updates_are_off_by_default(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="CLEAR ALL",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 403
    assert response.json()["message"] == (
        "updates are disabled on this endpoint; start it with --data FILE --enable-update and "
        "an update token to allow SPARQL Update and Graph Store writes"
    )
    assert (
        client.put(
            "/store?default", content="", headers={"Content-Type": "text/turtle"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic " + TOKEN, TOKEN])
def test_updates_need_the_token(writer: TestClient, header: str | None) -> None:
    headers = {"Content-Type": "application/sparql-update"}
    if header:
        headers["Authorization"] = header
    response = writer.post("/sparql", content="CLEAR ALL", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["message"] == (
        "updates need an 'Authorization: Bearer <token>' header with the right token"
    )
