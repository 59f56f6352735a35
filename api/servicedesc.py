"""The SPARQL 1.1 Service Description of the endpoint, with a VoID description of its data.

The number of named graphs has no VoID term, so it is stated with
``<{base}ns/void#namedGraphs>`` (documented here, used nowhere else). The prefixes every
query may use without declaring them are stated as SHACL prefix declarations
(``sd:Service sh:declare [ sh:prefix "schema" ; sh:namespace "https://schema.org/"^^xsd:anyURI ]``).
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, VOID, XSD

from policykg.engine.jobs import Stats
from policykg.formats import GRAPHS, SOLUTIONS

__all__ = ["SD", "service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def service_description(
    endpoint: str,
    stats: Stats,
    *,
    union: bool,
    update: bool,
    base_iri: str,
    dataset_description: str | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> Graph:
    """The description graph for the endpoint at ``endpoint``.

    ``dataset_description`` is the URL of the dataset's own description (``/.well-known/void``),
    linked with ``rdfs:seeAlso`` from the endpoint's dataset.

    >>> g = service_description("http://h/sparql", Stats(triples=3, graphs=1, classes=1,
    ...     properties=2), union=True, update=False, base_iri="https://w3id.org/policykg/")
    >>> (URIRef("http://h/sparql#service"), SD.endpoint, URIRef("http://h/sparql")) in g
    True
    """
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    if union:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for prefix, namespace in sorted((prefixes or {}).items()):
        declaration = BNode()
        graph.add((service, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    for fmt in (*SOLUTIONS.formats, *GRAPHS.formats):
        graph.add((service, SD.resultFormat, URIRef(fmt.syntax.iri)))
    dataset = URIRef(endpoint + "#dataset")
    default = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    counts = {
        VOID.triples: stats.triples,
        VOID.classes: stats.classes,
        VOID.properties: stats.properties,
        URIRef(base_iri + "ns/void#namedGraphs"): stats.graphs,
    }
    for predicate, value in counts.items():
        graph.add((dataset, predicate, Literal(value, datatype=XSD.integer)))
    graph.add((default, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    if dataset_description is not None:
        graph.add((dataset, RDFS.seeAlso, URIRef(dataset_description)))
    return graph
