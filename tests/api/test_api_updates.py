"""SPARQL Update and the Graph Store Protocol on a ``--data`` store, atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from .apisupport import AUTH, PEOPLE, TOKEN, ask, select
from .conftest import make_settings

UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
TURTLE = {"Content-Type": "text/turtle", **AUTH}
G = "http://example.org/graphs/person1"
PERSON = '<http://example.org/p1> a <http://xmlns.com/foaf/0.1/Person> ; <http://xmlns.com/foaf/0.1/name> "John Doe" .'


def test_update_is_seen_by_every_worker(writer: TestClient) -> None:
    response = writer.post(
        "/sparql",
        content='INSERT DATA { <http://example.org/new> <http://example.org/name> "New" }',
        headers=UPDATE,
    )
    assert response.status_code == 204
    for _ in range(4):  # both workers were recycled onto the new data
        assert (
            ask(writer, 'ASK { <http://example.org/new> <http://example.org/name> "New" }') is True
        )
    assert writer.get("/healthz").json()["generation"] >= 1


@pytest.mark.parametrize("on_disk", [False, True])
def test_lookups_in_the_server_process_never_see_old_data(
    project_root: Path, on_disk: bool
) -> None:
    """Inline lookups read a copy in memory, or the on-disk store itself: both are reopened."""
    settings = make_settings(project_root, enable_update=True, update_token=TOKEN, on_disk=on_disk)
    app = create_app(settings, data=[PEOPLE])
    with TestClient(app) as writer:
        engine = app.state.service.engine
        query = "SELECT ?o { <http://example.org/fresh> <http://example.org/v> ?o }"
        for value in ("1", "2"):
            writer.portal.call(engine.inline_ready)  # type: ignore[union-attr]
            assert engine.inline_state == ("disk" if on_disk else "memory")
            response = writer.post(
                "/sparql",
                content=f"DELETE WHERE {{ <http://example.org/fresh> ?p ?o }} ; "
                f"INSERT DATA {{ <http://example.org/fresh> <http://example.org/v> {value} }}",
                headers=UPDATE,
            )
            assert response.status_code == 204
            assert [row["o"] for row in select(writer, query)] == [value]  # a worker, or inline
            writer.portal.call(engine.inline_ready)  # type: ignore[union-attr]
            assert engine.inline is not None
            assert [row["o"] for row in select(writer, query)] == [value]  # inline


def test_failed_update_changes_nothing(writer: TestClient) -> None:
    writer.post(
        "/sparql",
        content='INSERT DATA { <http://example.org/keep> <http://example.org/p> "kept" }',
        headers=UPDATE,
    )
    bad = 'DELETE DATA { <http://example.org/keep> <http://example.org/p> "kept" } ; INSERT DATA { <x> <y> }'
    response = writer.post("/sparql", content=bad, headers=UPDATE)
    assert response.status_code == 400
    assert ask(writer, 'ASK { <http://example.org/keep> <http://example.org/p> "kept" }') is True


def test_update_endpoint_alias(writer: TestClient) -> None:
    response = writer.post(
        "/update",
        content="update=CLEAR%20SILENT%20GRAPH%20%3Chttp%3A%2F%2Fexample.org%2Fnone%3E",
        headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH},
    )
    assert response.status_code == 204
    response = writer.post(
        "/update", content="ASK {}", headers={"Content-Type": "application/sparql-query", **AUTH}
    )
    assert response.status_code == 400


def test_graph_store_put_get_post_delete_head(writer: TestClient) -> None:
    writer.delete("/store", params={"graph": G}, headers=AUTH)
    assert writer.get("/store", params={"graph": G}).status_code == 404
    assert writer.head("/store", params={"graph": G}).status_code == 404
    assert (
        writer.put("/store", params={"graph": G}, content=PERSON, headers=TURTLE).status_code == 201
    )
    response = writer.get(
        "/store", params={"graph": G}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200
    assert '<http://example.org/p1> <http://xmlns.com/foaf/0.1/name> "John Doe" .' in response.text
    head = writer.head("/store", params={"graph": G}, headers={"Accept": "text/turtle"})
    assert head.status_code == 200
    assert head.headers["content-type"] == "text/turtle; charset=utf-8"
    jane = PERSON.replace("John", "Jane")
    assert (
        writer.put("/store", params={"graph": G}, content=jane, headers=TURTLE).status_code == 204
    )
    more = '<http://example.org/p1> <http://xmlns.com/foaf/0.1/givenName> "Jane" .'
    assert (
        writer.post("/store", params={"graph": G}, content=more, headers=TURTLE).status_code == 204
    )
    rows = select(
        writer,
        f"SELECT ?o WHERE {{ GRAPH <{G}> {{ ?s ?p ?o FILTER(isLiteral(?o)) }} }} ORDER BY ?o",
    )
    assert [r["o"] for r in rows] == ["Jane", "Jane Doe"]
    assert writer.delete("/store", params={"graph": G}, headers=AUTH).status_code == 204
    assert writer.delete("/store", params={"graph": G}, headers=AUTH).status_code == 404


def test_graph_store_default_graph_and_new_graph(writer: TestClient) -> None:
    alice = '[] a <http://xmlns.com/foaf/0.1/Person> ; <http://www.w3.org/2006/vcard/ns#given-name> "Alice" .'
    assert writer.put("/store?default", content=alice, headers=TURTLE).status_code == 204
    response = writer.get("/store?default", headers={"Accept": "application/n-triples"})
    assert '"Alice"' in response.text
    assert "example.org/alice" not in response.text
    created = writer.post("/store", content=alice, headers=TURTLE)
    assert created.status_code == 201
    location = created.headers["location"]
    assert location.startswith("http://testserver/store?graph=http://testserver/store/")
    assert '"Alice"' in writer.get(location, headers={"Accept": "text/turtle"}).text


def test_graph_store_bad_body_changes_nothing(writer: TestClient) -> None:
    writer.put("/store", params={"graph": G}, content=PERSON, headers=TURTLE)
    response = writer.put("/store", params={"graph": G}, content="<a> <b> .", headers=TURTLE)
    assert response.status_code == 400
    assert ask(writer, f'ASK {{ GRAPH <{G}> {{ ?s ?p "John Doe" }} }}') is True
    response = writer.put(
        "/store",
        params={"graph": G},
        content=PERSON,
        headers={"Content-Type": "text/plain", **AUTH},
    )
    assert response.status_code == 415


def test_graph_store_needs_a_graph(writer: TestClient) -> None:
    response = writer.get("/store")
    assert response.status_code == 400
    assert response.json()["message"] == "name the graph with ?default or ?graph=IRI"
