"""The W3C service-description cases, plus the VoID counts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID, XSD

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def _description(client: TestClient, accept: str, fmt: str) -> Graph:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    return Graph().parse(data=response.text, format=fmt)


def test_returns_rdf_in_turtle_and_rdfxml(client: TestClient) -> None:
    assert len(_description(client, "text/turtle", "turtle")) > 10
    assert len(_description(client, "application/rdf+xml", "xml")) > 10


def test_has_endpoint_triple(client: TestClient) -> None:
    graph = _description(client, "text/turtle", "turtle")
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert (services[0], SD.endpoint, URIRef("http://testserver/sparql")) in graph


def test_conforms_to_schema(client: TestClient) -> None:
    graph = _description(client, "text/turtle", "turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in graph
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in set(
        graph.objects(service, SD.resultFormat)
    )


def test_void_counts(client: TestClient) -> None:
    graph = _description(client, "text/turtle", "turtle")
    dataset = URIRef("http://testserver/sparql#dataset")
    counts = {p: graph.value(dataset, p) for p in (VOID.triples, VOID.classes, VOID.properties)}
    # 11 triples in people.ttl, 3 in protocol.trig; ex:Person, foaf:Document; 4 properties
    assert counts == {
        VOID.triples: Literal(14, datatype=XSD.integer),
        VOID.classes: Literal(2, datatype=XSD.integer),
        VOID.properties: Literal(4, datatype=XSD.integer),
    }
    graphs = graph.value(dataset, URIRef("https://w3id.org/policykg/ns/void#namedGraphs"))
    assert graphs == Literal(3, datatype=XSD.integer)


def test_browsers_get_the_query_page_not_a_406(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/html")
    assert response.status_code in (200, 503)  # 503 until `npm ci` has installed the editor
