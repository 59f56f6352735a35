"""Named queries: listed as JSON and HTML, run with typed parameters, never spliced."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_list_json(client: TestClient) -> None:
    queries = client.get("/queries").json()["queries"]
    assert [q["name"] for q in queries] == ["ages", "echo", "older-than", "people-named"]
    people = queries[3]
    assert people["title"] == "People with a name"
    assert people["params"] == [
        {"name": "name", "type": "xsd:string", "default": "Alice", "doc": "the exact name"}
    ]
    assert people["url"] == "/queries/people-named"


def test_list_html(client: TestClient) -> None:
    response = client.get("/queries", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.headers["content-type"].startswith("text/html")
    assert '<a href="/queries/people-named">people-named</a>' in response.text


def test_run_with_default_and_given_parameter(client: TestClient) -> None:
    rows = client.get("/queries/people-named").json()["results"]["bindings"]
    assert [r["name"]["value"] for r in rows] == ["Alice"]
    rows = client.get("/queries/people-named", params={"name": "Carol"}).json()["results"][
        "bindings"
    ]
    assert rows == []  # "Carol" is not "Carol\nline two"@en


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_run_in_every_solution_format(client: TestClient, fmt: str) -> None:
    response = client.get("/queries/people-named", params={"format": fmt})
    assert response.status_code == 200
    assert "Alice" in response.text


def test_construct_named_query(client: TestClient) -> None:
    rows = client.get("/queries/older-than", params={"age": "40"}).json()["results"]["bindings"]
    assert [r["person"]["value"] for r in rows] == ["http://example.org/alice"]
    response = client.get("/queries/ages", params={"format": "nt"})
    assert response.text == (
        '<http://example.org/alice> <http://example.org/age> "41"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )


def test_parameter_with_sparql_syntax_stays_a_literal(client: TestClient) -> None:
    attack = '"} ; DROP ALL ; SELECT * {"'
    response = client.get("/queries/echo", params={"text": attack})
    assert response.json()["results"]["bindings"] == [
        {"text": {"type": "literal", "value": attack}}
    ]
    response = client.get(
        "/queries/people-named", params={"name": "x' } UNION { ?person ?p ?name } #"}
    )
    assert response.json()["results"]["bindings"] == []


def test_bad_parameters(client: TestClient) -> None:
    response = client.get("/queries/older-than", params={"age": "12 } ; DROP ALL"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Bad parameter",
        "message": "parameter 'age' must be an integer, got '12 } ; DROP ALL'",
        "status": 400,
    }
    response = client.get("/queries/echo")
    assert response.json()["message"] == "query 'echo' needs parameter 'text'"
    response = client.get("/queries/echo", params={"text": "a", "other": "b"})
    assert response.json()["message"] == "query 'echo' has no parameter 'other'; it takes: text"
    response = client.get("/queries/nope")
    assert response.status_code == 404
    assert response.json()["message"] == "no named query 'nope'; see /queries for the list"
