"""Each case of the W3C SPARQL 1.1 Protocol manifest, rewritten as our own test.

The suite's data (three documents, one per named graph) is ``data/protocol.trig``.
Where the suite expects an update to succeed, our endpoint needs updates enabled and
the bearer token, so those requests use the ``writer`` app and ``AUTH``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from .apisupport import AUTH, ask

D = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (D + f"data{i}.rdf" for i in range(4))
BOTH = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
SPARQL_UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def boolean(response: object) -> bool:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/sparql-results")  # type: ignore[attr-defined]
    return bool(response.json()["boolean"])  # type: ignore[attr-defined]


def test_query_post_form(client: TestClient) -> None:
    response = client.post(
        "/sparql", params={"default-graph-uri": D0}, content="query=ASK%20%7B%7D", headers=FORM
    )
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": BOTH, "default-graph-uri": [D1, D2]})
    assert boolean(response) is True


def test_query_dataset_default_graphs_post(client: TestClient) -> None:
    assert ask(client, BOTH, **{"default-graph-uri": [D1, D2]}) is True
    assert ask(client, BOTH) is False  # without the protocol dataset the default graph lacks them


def test_query_dataset_named_graphs_post(client: TestClient) -> None:
    assert ask(client, NAMED, **{"named-graph-uri": [D1, D2]}) is True


def test_query_dataset_named_graphs_get(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": NAMED, "named-graph-uri": [D1, D2]})
    assert boolean(response) is True


def test_query_dataset_full(client: TestClient) -> None:
    query = (
        f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    )
    assert ask(client, query, **{"default-graph-uri": D3, "named-graph-uri": [D1, D2]}) is True


def test_query_multiple_dataset_protocol_wins(client: TestClient) -> None:
    query = f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    assert ask(client, query, **{"named-graph-uri": [D1, D2]}) is True


def test_query_get(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": D0})
    assert boolean(response) is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT (1 AS ?value) {}", "application/sparql-results+json"),
        ("ASK {}", "application/sparql-results+json"),
        ("DESCRIBE <http://example.org/>", "text/turtle"),
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", "text/turtle"),
    ],
)
def test_query_content_type(client: TestClient, query: str, expected: str) -> None:
    response = client.post(
        "/sparql", params={"default-graph-uri": D0}, content=query, headers=SPARQL_QUERY
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == expected + "; charset=utf-8"


def test_query_content_type_construct_resolves_against_endpoint(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={**SPARQL_QUERY, "Accept": "application/n-triples"},
    )
    assert response.text == (
        "<http://testserver/s> <http://testserver/p> "
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )


def test_query_post_direct(client: TestClient) -> None:
    assert boolean(client.post("/sparql", content="ASK {}", headers=SPARQL_QUERY)) is True


def _update_then_ask(
    writer: TestClient, update: str, check: str, **params: str | list[str]
) -> bool:
    response = writer.post("/sparql", params=params, content=update, headers=SPARQL_UPDATE)
    assert response.status_code == 204, response.text
    return ask(writer, check)


PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
RESET = (
    PREFIXES + f"DROP ALL ; INSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a foaf:Document }} "
    f"GRAPH <{D2}> {{ <{D2}> a foaf:Document }} GRAPH <{D3}> {{ <{D3}> a foaf:Document }} }} ;\n"
)


def _d1_d2_only(target: str) -> str:
    """ASK: the documents of D1 and D2, not D3's, were copied into ``target``."""
    return (
        f"ASK {{ GRAPH <{target}> {{ <{D1}> a <http://purl.org/dc/terms/BibliographicResource> . "
        f"<{D2}> a <http://purl.org/dc/terms/BibliographicResource> }} FILTER NOT EXISTS {{ "
        f"GRAPH <{target}> {{ <{D3}> a <http://purl.org/dc/terms/BibliographicResource> }} }} }}"
    )


def test_update_dataset_default_graph(writer: TestClient) -> None:
    target = "http://example.org/protocol-update-dataset-test/"
    update = (
        PREFIXES + f"CLEAR ALL ; INSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a foaf:Document }} }} ;\n"
        f"INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ ?s a foaf:Document }}"
    )
    check = f"ASK {{ GRAPH <{target}> {{ <{D1}> a <http://purl.org/dc/terms/BibliographicResource> }} }}"
    assert _update_then_ask(writer, update, check, **{"using-graph-uri": D1}) is True


def test_update_dataset_default_graphs(writer: TestClient) -> None:
    target = "http://example.org/protocol-update-dataset-graphs-test/"
    update = RESET + (
        f"INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ ?s a foaf:Document }}"
    )
    check = _d1_d2_only(target)
    assert _update_then_ask(writer, update, check, **{"using-graph-uri": [D1, D2]}) is True


def test_update_dataset_named_graphs(writer: TestClient) -> None:
    target = "http://example.org/protocol-update-dataset-named-graphs-test/"
    update = RESET + (
        f"INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} "
        "WHERE { GRAPH ?g { ?s a foaf:Document } }"
    )
    check = _d1_d2_only(target)
    assert _update_then_ask(writer, update, check, **{"using-named-graph-uri": [D1, D2]}) is True


def test_update_dataset_full(writer: TestClient) -> None:
    target = "http://example.org/protocol-update-dataset-full-test/"
    update = RESET + (
        f"INSERT {{ GRAPH <{target}> {{ ?s <http://example.org/in> ?in }} }} WHERE {{ "
        "{ GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) } UNION "
        '{ ?s a foaf:Document . BIND("default" AS ?in) } }'
    )
    check = (
        f'ASK {{ GRAPH <{target}> {{ <{D1}> <http://example.org/in> "default" . '
        f"<{D2}> <http://example.org/in> <{D2}> }} FILTER NOT EXISTS {{ "
        f"GRAPH <{target}> {{ <{D3}> ?p ?o }} }} }}"
    )
    params = {"using-graph-uri": D1, "using-named-graph-uri": D2}
    assert _update_then_ask(writer, update, check, **params) is True


def test_update_post_form(writer: TestClient) -> None:
    response = writer.post("/sparql", content="update=CLEAR+ALL", headers={**FORM, **AUTH})
    assert response.status_code == 204


def test_update_post_direct(writer: TestClient) -> None:
    response = writer.post("/sparql", content="CLEAR ALL", headers=SPARQL_UPDATE)
    assert response.status_code == 204


def test_update_base_uri(writer: TestClient) -> None:
    update = (
        "CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
        "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
        "{ <http://example.org/s> <http://example.org/p> <test> } }"
    )
    check = (
        "ASK { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> "
        '<http://example.org/p> ?o FILTER (isIRI(?o) && STR(?o) != "test") } }'
    )
    assert _update_then_ask(writer, update, check) is True
    assert ask(writer, "ASK { GRAPH ?g { ?s ?p <http://testserver/test> } }") is True


def test_bad_query_method(client: TestClient) -> None:
    response = client.put("/sparql", params={"query": "ASK {}"}, content="", headers=FORM)
    assert response.status_code == 405
    assert response.json() == {
        "error": "Method not allowed",
        "message": "PUT is not allowed on /sparql",
        "status": 405,
    }


def test_bad_multiple_queries(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    assert response.json()["message"] == "give exactly one 'query' parameter; this request has 2"


def test_bad_query_wrong_media_type(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["message"] == (
        "Content-Type text/plain is not supported; POST application/x-www-form-urlencoded, "
        "application/sparql-query or application/sparql-update"
    )


@pytest.mark.parametrize("body", ["query=ASK%20%7B%7D", "ASK {}", "update=CLEAR%20NAMED"])
def test_bad_missing_content_type(client: TestClient, body: str) -> None:
    response = client.post("/sparql", content=body.encode())
    assert response.status_code == 415
    assert response.json()["message"].startswith("Content-Type none is not supported")


@pytest.mark.parametrize("media", ["application/sparql-query", "application/sparql-update"])
def test_bad_non_utf8(writer: TestClient, media: str) -> None:
    body = ("ASK {}" if media.endswith("query") else "CLEAR NAMED").encode("utf-16")
    response = writer.post(
        "/sparql", content=body, headers={"Content-Type": media + "; charset=UTF-16", **AUTH}
    )
    assert response.status_code == 415
    assert response.json()["message"] == "charset utf-16 is not supported; send UTF-8"


def test_bad_non_utf8_bytes_without_charset(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}".encode("utf-16"), headers=SPARQL_QUERY)
    assert response.status_code == 400
    assert response.json()["message"] == "the request body is not valid UTF-8 (byte 0)"


def test_bad_query_syntax(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Query syntax error"
    assert body["message"].startswith("error at 1:6: expected one of")


def test_bad_update_get(writer: TestClient) -> None:
    response = writer.get("/sparql", params={"update": "CLEAR ALL"}, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["message"] == "SPARQL Update must be sent with POST, never GET"


def test_bad_multiple_updates(writer: TestClient) -> None:
    body = "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"
    response = writer.post("/sparql", content=body, headers={**FORM, **AUTH})
    assert response.status_code == 400
    assert response.json()["message"] == "give exactly one 'update' parameter; this request has 2"


def test_bad_update_wrong_media_type(writer: TestClient) -> None:
    response = writer.post(
        "/sparql", content="CLEAR NAMED", headers={"Content-Type": "text/plain", **AUTH}
    )
    assert response.status_code == 415


def test_bad_update_syntax(writer: TestClient) -> None:
    response = writer.post("/sparql", content="update=CLEAR%20XYZ", headers={**FORM, **AUTH})
    assert response.status_code == 400
    assert response.json()["message"] == "error at 1:7: unknown keyword 'XYZ'\nCLEAR XYZ\n      ^"


def test_bad_update_dataset_conflict(writer: TestClient) -> None:
    update = (
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
        "WHERE { ?person foaf:givenName 'Bill' }"
    )
    url = "/sparql?using-named-graph-uri=" + quote("http://example/people", safe="")
    response = writer.post(url, content=update, headers=SPARQL_UPDATE)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "the request gives using-graph-uri/using-named-graph-uri and the update has its own "
        "USING or WITH clause; use one or the other"
    )


def test_query_and_update_together(writer: TestClient) -> None:
    response = writer.post(
        "/sparql", content="query=ASK%7B%7D&update=CLEAR%20ALL", headers={**FORM, **AUTH}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "give either a 'query' or an 'update' parameter, not both"
