"""The dataset's statistics counted from its N-Quads text (as the build does, in its second
process) are the ones the SPARQL queries count on a store: on the seed graph and on awkward
terms (blank nodes, literals with spaces, a triple in two graphs, typed and tagged literals)."""

from __future__ import annotations

from pyoxigraph import RdfFormat, Store, parse

from policykg.graph.export import union_ntriples
from policykg.kg import PolicyGraph
from policykg.linkeddata.void import statistics, text_statistics

AWKWARD = """
@prefix ex: <http://example.org/> .
@prefix schema: <https://schema.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:g1 {
  ex:a a schema:NewsArticle, ex:Thing ; ex:says "two words . and a dot" , "x"@en , "x" , 1 .
  _:b a ex:Thing ; ex:says "x"@en-gb , "_:not a blank node" .
  ex:a ex:knows _:b .
  ex:c rdf:type "a literal type" .
  _:d a schema:NewsArticle .
}
ex:g2 {
  ex:a a schema:NewsArticle ; ex:says "two words . and a dot" .
  ex:e ex:says "1"^^<http://www.w3.org/2001/XMLSchema#integer> , "01"^^<http://www.w3.org/2001/XMLSchema#integer> .
  <http://example.org/ü> a ex:Thing .
}
"""


def _both(store: Store) -> None:
    nquads = store.dump(format=RdfFormat.N_QUADS)
    assert nquads is not None
    counted = text_statistics(nquads, union_ntriples(nquads))
    assert counted == statistics(store)


def test_the_seed_graph_counts_the_same(kg: PolicyGraph) -> None:
    _both(kg.store)


def test_awkward_terms_count_the_same() -> None:
    store = Store()
    store.bulk_extend(parse(AWKWARD, format=RdfFormat.TRIG))
    _both(store)
    stats = statistics(store)
    assert stats.sources == ("http://example.org/a",)  # not the blank node


def test_a_blank_graph_name_is_left_to_the_queries() -> None:
    store = Store()
    store.bulk_extend(parse("_:g { <http://e/a> <http://e/b> 1 }", format=RdfFormat.TRIG))
    nquads = store.dump(format=RdfFormat.N_QUADS)
    assert nquads is not None
    assert text_statistics(nquads, union_ntriples(nquads)) is None
