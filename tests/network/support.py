"""Counts and IRIs for the network tests, taken from the store with SPARQL (never typed in)."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, QuerySolutions, Variable

from policykg.kg import PolicyGraph

ID = "https://w3id.org/policykg/id/"
SRC = "https://w3id.org/policykg/source/"
CLAIM = "https://w3id.org/policykg/claim/"
PKG = "https://w3id.org/policykg/ontology#"
LOC = "https://w3id.org/dpv/loc#"
DPV = "https://w3id.org/dpv#"
TWEAKERS = "000_d336fba75509138b"
SECURITY_NL = "004_0288313a30b2f017"
XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")

_PREFIXES = """
PREFIX pkg:  <https://w3id.org/policykg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
"""

# The triples of the claims a view holds: uncorrected claims with an IRI object, from
# ?source when it is bound, holding on ?day when it is bound (source issued by then or
# undated; the day within the claim's stated period; a correction's replacement only from
# the correction's date).
_EDGES = (
    _PREFIXES
    + """
SELECT DISTINCT ?source ?day ?s ?p ?o WHERE {
  ?c a pkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?source .
  FILTER (isIRI(?o))
  FILTER NOT EXISTS { ?c prov:wasInvalidatedBy ?k }
  FILTER NOT EXISTS { ?source dct:issued ?issued FILTER (?issued > ?day) }
  FILTER NOT EXISTS { ?c dct:temporal/time:hasBeginning/time:inXSDDate ?b FILTER (?b > ?day) }
  FILTER NOT EXISTS { ?c dct:temporal/time:hasEnd/time:inXSDDate ?e FILTER (?e < ?day) }
  FILTER NOT EXISTS { ?r pkg:replacedBy ?c ; dct:date ?when FILTER (?when > ?day) }
}
"""
)


def view_edges(
    kg: PolicyGraph, source: str | None = None, day: str | None = None
) -> set[tuple[str, str, str]]:
    """The (subject, property, object) triples the view for these filters must draw."""
    bound: dict[Variable, NamedNode | Literal] = {}
    if source is not None:
        bound[Variable("source")] = NamedNode(source)
    if day is not None:
        bound[Variable("day")] = Literal(day, datatype=XSD_DATE)
    result = kg.store.query(_EDGES, use_default_graph_as_union=True, substitutions=bound)
    assert isinstance(result, QuerySolutions)
    return {(str(r["s"].value), str(r["p"].value), str(r["o"].value)) for r in result}


def nodes_of(edges: set[tuple[str, str, str]]) -> set[str]:
    return {n for s, _, o in edges for n in (s, o)}


def claims_of(kg: PolicyGraph, s: str, p: str, o: str, *, corrected: bool = False) -> list[str]:
    """The claims of one triple, sorted (uncorrected only unless ``corrected``)."""
    text = (
        _PREFIXES
        + """
    SELECT ?c ?s ?p ?o WHERE {
      ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
      FILTER (?all || NOT EXISTS { ?c prov:wasInvalidatedBy ?k })
    } ORDER BY ?c""".replace("SELECT ?c", "SELECT ?all ?c")
    )
    bound: dict[Variable, NamedNode | Literal] = {
        Variable("s"): NamedNode(s), Variable("p"): NamedNode(p), Variable("o"): NamedNode(o),
        Variable("all"): Literal("true" if corrected else "false", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
    }  # fmt: skip
    result = kg.store.query(text, use_default_graph_as_union=True, substitutions=bound)
    assert isinstance(result, QuerySolutions)
    return [str(r["c"].value) for r in result]
