"""Writes on a remote store: SPARQL Update and Graph Store writes with the token reach the
store (a fresh ``oxigraph serve --union-default-graph`` here), and are seen by the next query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.remote import RemoteStore
from policykg.settings import Settings

from ..backends import remote_settings
from ..remote.servers import RemoteServer, oxigraph_server
from .apisupport import AUTH, TOKEN, ask, select

pytestmark = pytest.mark.server

G = "http://example.org/graphs/person1"
PERSON = '<http://example.org/p1> <http://xmlns.com/foaf/0.1/name> "John Doe" .'
TURTLE = {"Content-Type": "text/turtle", **AUTH}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-writes"), union_default_graph=True) as s:
        yield s


@pytest.fixture(scope="module")
def writer(store: RemoteServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    dist = tmp_path_factory.mktemp("no-dist")
    values = remote_settings(store, enable_update=True, update_token=TOKEN)
    settings = Settings(dist=Path(dist), **values)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        yield client


def test_update_reaches_the_store(writer: TestClient, store: RemoteServer) -> None:
    update = 'INSERT DATA { GRAPH <http://example.org/u> { <http://example.org/new> <http://example.org/name> "New" } }'
    response = writer.post(
        "/update", content=update, headers={"Content-Type": "application/sparql-update", **AUTH}
    )
    assert response.status_code == 204, response.text
    assert ask(writer, 'ASK { <http://example.org/new> <http://example.org/name> "New" }')
    with RemoteStore(store.endpoint()) as client:
        rows = client.select("SELECT ?o WHERE { GRAPH <http://example.org/u> { ?s ?p ?o } }")
    assert [str(row["o"].value) for row in rows] == ["New"]  # type: ignore[attr-defined]
    assert writer.get("/healthz").json()["generation"] >= 1


def test_update_needs_the_token(writer: TestClient) -> None:
    response = writer.post(
        "/update",
        content="INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 401


def test_graph_store_put_get_post_delete(writer: TestClient) -> None:
    assert (
        writer.put("/store", params={"graph": G}, content=PERSON, headers=TURTLE).status_code == 201
    )
    got = writer.get("/store", params={"graph": G}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert got.text.strip() == PERSON
    more = '<http://example.org/p1> <http://xmlns.com/foaf/0.1/nick> "JD" .'
    assert (
        writer.post("/store", params={"graph": G}, content=more, headers=TURTLE).status_code == 204
    )
    names = select(writer, f"SELECT ?o WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }} ORDER BY ?o")
    assert [row["o"] for row in names] == ["JD", "John Doe"]
    assert writer.delete("/store", params={"graph": G}, headers=AUTH).status_code == 204
    assert writer.delete("/store", params={"graph": G}, headers=AUTH).status_code == 404
    assert not ask(writer, f"ASK {{ GRAPH <{G}> {{ ?s ?p ?o }} }}")


def test_departure_the_default_graph_is_not_written(writer: TestClient) -> None:
    response = writer.put("/store", params={"default": ""}, content=PERSON, headers=TURTLE)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "the default graph of a remote store is the union of its named graphs; "
        "write to a named graph (?graph=IRI)"
    )
