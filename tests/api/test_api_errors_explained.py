"""Errors that say what is wrong and what to do: updates sent as queries, misspelt
keywords, undeclared prefixes (with the line and a caret), unknown named queries."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .apisupport import AUTH

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_an_update_on_the_read_only_endpoint(client: TestClient) -> None:
    for response in (
        client.get("/sparql", params={"query": "INSERT DATA { <http://e/a> <http://e/b> 1 }"}),
        client.post("/sparql", data={"query": "PREFIX e: <http://e/>\nDELETE WHERE { ?s ?p ?o }"}),
        client.post("/sparql", content="LOAD <http://e/x>",
                    headers={"Content-Type": "application/sparql-query"}),
    ):  # fmt: skip
        assert response.status_code == 400
        assert response.json() == {
            "error": "Bad request",
            "message": "this endpoint is read-only; start the server with --enable-update "
            "(and --data FILE) and send updates to /update",
            "status": 400,
        }


def test_an_update_sent_as_a_query_where_updates_are_allowed(writer: TestClient) -> None:
    response = writer.post("/sparql", data={"query": "CLEAR ALL"}, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "this is a SPARQL Update (CLEAR); send it to /update, not as a query"
    )


def test_a_misspelt_keyword(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELEC ?s WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Query syntax error",
        "message": "error at 1:1: unknown keyword 'SELEC' — did you mean SELECT?\n"
        "SELEC ?s WHERE { ?s ?p ?o }\n^",
        "status": 400,
    }


def test_a_misspelt_keyword_on_a_later_line(client: TestClient) -> None:
    query = "SELECT ?s\nWHERE { ?s ?p ?o }\nORDR BY ?s"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "error at 3:1: unknown keyword 'ORDR' — did you mean ORDER?\nORDR BY ?s\n^"
    )


def test_an_undeclared_prefix_is_named_with_a_caret(client: TestClient) -> None:
    query = "SELECT ?s WHERE {\n  ?s a foaf:Person }"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "error at 2:8: undeclared prefix 'foaf:'; declare it with PREFIX foaf: <…>\n"
        "  ?s a foaf:Person }\n"
        "       ^"
    )


def test_no_character_ranges_in_a_syntax_error(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o "})
    assert response.status_code == 400
    assert response.json()["message"] == (
        'error at 1:28: expected one of ",", ".", ";", "{", "{|", "}", "~"\n'
        "SELECT ?s WHERE { ?s ?p ?o \n"
        "                           ^"
    )


def test_an_unknown_named_query_suggests_the_closest(client: TestClient) -> None:
    response = client.get("/queries/people-nmed")
    assert response.status_code == 404
    assert response.json()["message"] == (
        "no named query 'people-nmed' — did you mean people-named? See /queries for the list"
    )
