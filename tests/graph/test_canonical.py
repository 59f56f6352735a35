"""The build canonicalises only the quads holding blank nodes: the same lines as RDFC-1.0
over the whole dataset, sorted by graph, subject, predicate and object (what builds wrote
before), so dumps and digests do not change."""

from __future__ import annotations

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    parse,
    serialize,
)

from policykg.graph.build import asserted_statements
from policykg.graph.canonical import canonical_nquads, canonical_quads
from policykg.graph.sources import load, source_files
from policykg.settings import Settings


def _whole(quads: list[Quad]) -> bytes:
    """RDFC-1.0 over every quad, sorted by the terms' ``str()``, as N-Quads."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    ordered = sorted(
        dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )
    data = serialize(ordered, format=RdfFormat.N_QUADS)
    assert data is not None
    return data


def _lines(quads: list[Quad]) -> bytes:
    return "".join(f"{line}\n" for line in canonical_nquads(quads)).encode("utf-8")


def test_the_project_sources_canonicalise_as_the_whole_dataset() -> None:
    settings = Settings()
    loaded = load(source_files(settings.root), base=settings.base_iri)
    store = Store()
    store.extend(loaded.quads)
    asserted = asserted_statements(store, NamedNode(settings.base_iri + "graph/asserted"))
    quads = [*loaded.quads, *asserted]
    assert any(isinstance(q.object, BlankNode) for q in quads)
    assert _lines(quads) == _whole(quads)
    assert canonical_quads(quads) == list(parse(_whole(quads), format=RdfFormat.N_QUADS))


# Blank nodes that only their neighbours tell apart (n-degree hashing), the same shapes in
# two graphs, literals that sort before and after a space or say ``_:``, a blank graph, and
# duplicate quads.
TRICKY = """
<http://e/a> <http://e/p> _:x <http://e/g1> .
_:x <http://e/q> _:y <http://e/g1> .
_:y <http://e/q> _:x <http://e/g1> .
_:y <http://e/r> "a b"@en <http://e/g1> .
<http://e/a> <http://e/p> _:z <http://e/g2> .
_:z <http://e/q> _:w <http://e/g2> .
_:w <http://e/q> _:z <http://e/g2> .
<http://e/a> <http://e/s> "a" <http://e/g2> .
<http://e/a> <http://e/s> "a"@en <http://e/g2> .
<http://e/a> <http://e/s> "a b" <http://e/g2> .
<http://e/a> <http://e/s> "a\\tb" <http://e/g2> .
<http://e/a> <http://e/s> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://e/g2> .
<http://e/a> <http://e/s> "a" <http://e/g2> .
<http://e/ab> <http://e/s> _:x <http://e/g> .
<http://e/a> <http://e/s> <http://e/b> <http://e/g> .
<http://e/a> <http://e/s> "not a blank node: _:x" <http://e/g> .
_:x <http://e/s> "the same _:x in a literal" <http://e/g> .
<http://e/a> <http://e/s> _:v _:graph .
_:v <http://e/q> "in a blank graph" _:graph .
"""


def test_blank_nodes_told_apart_by_their_neighbours_and_odd_literals() -> None:
    quads = list(parse(TRICKY, format=RdfFormat.N_QUADS))
    assert _lines(quads) == _whole(quads)
    assert len(canonical_nquads(quads)) == len(set(quads))
