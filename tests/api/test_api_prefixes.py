"""The graph's prefixes are predeclared on /sparql (router and fast lane), listed in the
service description, and seen by the safety scan; a query's own PREFIX wins."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SH, XSD

from policykg.namespaces import all_prefixes
from policykg.settings import Settings

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EX = "http://example.org/"
JSON = {"Accept": "application/sparql-results+json"}


def _values(response_text: str, var: str) -> list[str]:
    return sorted(b[var]["value"] for b in json.loads(response_text)["results"]["bindings"])


def test_a_predeclared_prefix_works_on_the_fast_lane(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"SELECT ?s {{ ?s rdf:type <{EX}Person> }}"},
                          headers=JSON)  # fmt: skip
    assert response.status_code == 200, response.text
    assert _values(response.text, "s") == [EX + "alice", EX + "bob", EX + "carol"]


def test_a_predeclared_prefix_works_on_a_worker(client: TestClient) -> None:
    query = f"SELECT ?s {{ ?s <{EX}age> ?age FILTER(datatype(?age) = xsd:integer && ?age > 30) }}"
    response = client.post("/sparql", data={"query": query}, headers=JSON)
    assert response.status_code == 200, response.text
    assert _values(response.text, "s") == [EX + "alice", EX + "bob"]


def test_the_query_s_own_prefix_wins(client: TestClient) -> None:
    query = "PREFIX rdf: <http://example.org/>\nSELECT ?o { rdf:alice rdf:knows ?o }"
    for response in (
        client.get("/sparql", params={"query": query}, headers=JSON),
        client.post("/sparql", data={"query": query}, headers=JSON),
    ):
        assert response.status_code == 200, response.text
        assert _values(response.text, "o") == [EX + "bob"]


def test_the_safety_scan_reads_predeclared_prefixes(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": "SELECT * { SERVICE schema:x { ?s ?p ?o } }"})
    assert response.status_code == 403
    assert response.json()["message"] == (
        "SERVICE <https://schema.org/x> is refused: this endpoint makes no outbound requests "
        "on a user's behalf unless the target is in its allow-list"
    )


def test_the_service_description_lists_the_prefixes(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    declared = {
        str(graph.value(d, SH.prefix)): graph.value(d, SH.namespace)
        for d in graph.objects(service, SH.declare)
    }
    expected = all_prefixes(Settings().base_iri)
    assert declared == {p: Literal(ns, datatype=XSD.anyURI) for p, ns in expected.items()}
