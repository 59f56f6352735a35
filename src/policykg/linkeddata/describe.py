"""What a resource's data holds: two stored CONSTRUCT queries with the IRI bound, never spliced.

A resource (entity, claim, source, correction, ontology term, DPV concept…) is described by
``RESOURCE``: its own triples (and the blank nodes they lead to), the links into it from
things that are not claims, every claim in which it is the subject, the object, the
source, the speaker, the jurisdiction or the correction (each claim whole: stance, quote,
paragraph, period, jurisdiction, and its source's and its correction's triples), for a
claim also the other claims on the same subject and property (so a reader sees where
sources disagree), for a correction the claim replacing the corrected one, and the labels
(``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, ``dct:title``) of everything those
triples name. A named graph is described by ``GRAPH``: its triples, which the caller puts
back into the graph as quads.

>>> from pyoxigraph import Store, Quad, NamedNode as N, Literal as L
>>> store = Store()
>>> e = "http://e/"
>>> store.extend([
...     Quad(N(e + "c"), N(RDF_TYPE), N(CLAIM), N(e + "g")),
...     Quad(N(e + "c"), N(RDF + "subject"), N(e + "x"), N(e + "g")),
...     Quad(N(e + "x"), N(LABEL), L("X", language="en"), N(e + "g")),
... ])
>>> sorted(str(t) for t in describe(store, e + "x"))  # doctest: +NORMALIZE_WHITESPACE
['<http://e/c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <http://e/x>',
 '<http://e/c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/policykg/ontology#Claim>',
 '<http://e/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@en']
>>> [str(q) for q in describe_graph(store, e + "g") if q.subject == N(e + "x")]
['<http://e/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@en <http://e/g>']
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QueryTriples, Store, Triple, Variable

from policykg.namespaces import PKG, RDF

__all__ = [
    "CLAIM",
    "GRAPH",
    "HOME",
    "IRI",
    "LABEL",
    "LABELS",
    "RDF_TYPE",
    "RESOURCE",
    "bindings",
    "describe",
    "describe_graph",
    "in_graph",
]

RDF_TYPE = RDF + "type"
CLAIM = PKG + "Claim"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
#: The properties whose values name a thing on a page, in order of preference.
LABELS = (
    LABEL,
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)

#: The variable the described IRI is bound to.
IRI = Variable("iri")

_LABELLED = "FILTER(?{v} IN (rdfs:label, skos:prefLabel, skos:altLabel, dct:title))"

RESOURCE = f"""\
# The description of one resource ($iri): see policykg.linkeddata.describe.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX pkg: <{PKG}>
CONSTRUCT {{ ?s ?p ?o . ?o ?olp ?ol . ?p ?plp ?pl . }}
WHERE {{
  {{
    {{
      # its own triples, and the blank nodes they lead to
      {{ $iri ?p ?o . BIND($iri AS ?s) }}
      UNION {{ $iri ?p0 ?s . FILTER(isBlank(?s)) ?s ?p ?o }}
      # links into it from things that are not claims (claims follow whole)
      UNION {{ ?s ?p $iri . BIND($iri AS ?o) FILTER(?p != rdf:type)
               FILTER NOT EXISTS {{ ?s a pkg:Claim }} }}
      # and their labels (the labels of objects and properties are added below)
      UNION {{ ?s ?p0 $iri . FILTER(?p0 != rdf:type) FILTER NOT EXISTS {{ ?s a pkg:Claim }}
               ?s ?p ?o . {_LABELLED.format(v="p")} }}
      # the claims it takes part in, each whole, with its source and correction
      UNION {{
        # (VALUES and FILTER EXISTS, not a path and a type pattern: with "?claim a pkg:Claim"
        # in the pattern Oxigraph starts from every claim, 0.3 s instead of 3 ms at 100k.)
        {{ {{ VALUES ?link {{ rdf:subject rdf:object prov:wasDerivedFrom pkg:speaker dct:spatial
                             prov:wasInvalidatedBy }}
             ?claim ?link $iri . FILTER EXISTS {{ ?claim a pkg:Claim }} }}
          # a claim itself, and the other claims on its subject and property
          UNION {{ $iri a pkg:Claim ; rdf:subject ?about ; rdf:predicate ?property .
                  ?claim rdf:subject ?about ; rdf:predicate ?property .
                  FILTER EXISTS {{ ?claim a pkg:Claim }} }}
          UNION {{ $iri a pkg:Correction ; pkg:replacedBy ?claim }} }}
        {{ ?claim ?p ?o . BIND(?claim AS ?s) }}
        UNION {{ ?claim ?p0 ?s . FILTER(isBlank(?s)) ?s ?p ?o }}
        UNION {{ ?claim ?p0 ?b . FILTER(isBlank(?b)) ?b ?p1 ?s . FILTER(isBlank(?s)) ?s ?p ?o }}
        UNION {{ ?claim prov:wasDerivedFrom|prov:wasInvalidatedBy ?s . ?s ?p ?o }}
      }}
    }}
  }}
  # the labels of everything named (an OPTIONAL per position: cheaper than a branch each)
  OPTIONAL {{ ?o ?olp ?ol . {_LABELLED.format(v="olp")} }}
  OPTIONAL {{ ?p ?plp ?pl . {_LABELLED.format(v="plp")} }}
}}
"""

GRAPH = """\
# The triples of one named graph ($iri); the caller puts them back into it as quads.
CONSTRUCT { ?s ?p ?o } WHERE { GRAPH $iri { ?s ?p ?o } }
"""


def bindings(iri: str) -> dict[Variable, NamedNode | Literal]:
    """The substitutions for either query: ``$iri`` bound to ``iri``."""
    return {IRI: NamedNode(iri)}


def _store_bindings(iri: str) -> dict[Variable, NamedNode | BlankNode | Literal | Triple]:
    return {IRI: NamedNode(iri)}


def describe(store: Store, iri: str) -> list[Triple]:
    """The description of ``iri`` from ``store`` (default graph: the union of all graphs)."""
    result = store.query(
        RESOURCE, substitutions=_store_bindings(iri), use_default_graph_as_union=True
    )
    assert isinstance(result, QueryTriples)
    return list(dict.fromkeys(result))


def describe_graph(store: Store, iri: str) -> list[Quad]:
    """The named graph ``iri``, as quads; empty when there is no such graph."""
    result = store.query(GRAPH, substitutions=_store_bindings(iri))
    assert isinstance(result, QueryTriples)
    return in_graph(result, iri)


def in_graph(triples: Iterable[Triple], iri: str) -> list[Quad]:
    """``triples`` as quads of the graph ``iri``."""
    graph = NamedNode(iri)
    return [Quad(t.subject, t.predicate, t.object, graph) for t in dict.fromkeys(triples)]


HOME = f"""\
# The home page: the sources, and the main entities by kind, with their labels.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX pkg: <{PKG}>
CONSTRUCT {{
  ?src a schema:NewsArticle ; dct:title ?title ; schema:publisher ?publisher ; dct:issued ?issued ;
    dct:language ?language .
  ?publisher rdfs:label ?publisherLabel .
  ?x a ?type ; rdfs:label ?label ; skos:prefLabel ?pref .
}}
WHERE {{
  {{ ?src a schema:NewsArticle .
     OPTIONAL {{ ?src dct:title ?title }} OPTIONAL {{ ?src dct:issued ?issued }}
     OPTIONAL {{ ?src dct:language ?language }}
     OPTIONAL {{ ?src schema:publisher ?publisher . OPTIONAL {{ ?publisher rdfs:label ?publisherLabel }} }} }}
  UNION
  {{ VALUES ?type {{ schema:Organization schema:NewsMediaOrganization schema:GovernmentOrganization
                    schema:Person pkg:DataUsePractice pkg:Lawsuit pkg:RegulatorAction pkg:Correction }}
     ?x a ?type . OPTIONAL {{ ?x rdfs:label ?label }} }}
  UNION
  {{ SELECT DISTINCT ?x ?type ?pref WHERE {{
       ?claim a pkg:Claim ; rdf:predicate ?jp ; rdf:object ?x .
       VALUES ?jp {{ dpv:hasJurisdiction pkg:excludesJurisdiction }}
       BIND(dpv:Location AS ?type) OPTIONAL {{ ?x skos:prefLabel ?pref }} }} }}
}}
"""
