"""What the shapes can see from a new source file, read from an already built store.

``policykg check FILE`` validates a new (or changed) source file against the graph that
``policykg build`` wrote, without reading or validating every other source: it gathers
the file's own quads and, from the built store (RocksDB, opened read-only), everything
the shapes in ``ontology/shapes.ttl`` reach from the nodes the file mentions, and runs
the same SHACL validation over that part only (:mod:`policykg.graph.increment`).

The part gathered, for the nodes the file mentions as subject or object (the *touched*
nodes):

- their descriptions, :data:`ROUNDS` hops out (a claim's period's start date is three
  hops from the claim: ``dct:temporal``, ``time:hasBeginning``, ``time:inXSDDate``),
  and the ``rdf:type`` of every node at the last hop (for ``sh:class``);
- the quads pointing *at* a touched node with a predicate some shape follows backwards:
  an ``sh:inversePath``, or a SPARQL constraint's pattern with ``$this`` as object
  (``?c rdf:subject $this``), for the classes that shape targets, with the
  descriptions of the nodes they come from (the claim about an entity, with its
  ``rdf:predicate``);
- the whole ontology (read from ``ontology/*.ttl``, as a build reads it), which
  ``sh:class`` needs for ``rdfs:subClassOf``.

Store quads in a graph the new file writes are left out: the file replaces them, as a
build would. The derived graph of asserted statements is left out too (a build validates
the sources, not what it derives). Results are kept for the touched nodes and the nodes
found pointing at them, whose surroundings are complete; a node reached only at the
edge may look incomplete and is not reported. A shape that reaches further than this
(a path longer than :data:`ROUNDS` hops, or a SPARQL pattern beyond one hop back) needs
``policykg check --full``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, NamedNode, Quad, Store
from rdflib.namespace import SH

from policykg.graph.sources import term_key

__all__ = ["ROUNDS", "BackLinks", "Neighbourhood", "gather", "gather_around", "this_as_object"]

#: How many hops out from a touched node its surroundings are read.
ROUNDS = 3

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

Node = NamedNode | BlankNode


@dataclass
class BackLinks:
    """Predicates shapes follow backwards to their focus nodes, by targeted class.

    ``any_node`` holds those of shapes with other kinds of targets: they apply to every
    touched node. ``None`` in a set stands for any predicate (a pattern not understood).
    """

    by_class: dict[str, set[str | None]] = field(default_factory=lambda: defaultdict(set))
    any_node: set[str | None] = field(default_factory=set)

    @classmethod
    def of(cls, shapes: rdflib.Graph) -> BackLinks:
        links = cls()
        for shape in set(shapes.subjects(rdflib.RDF.type, SH.NodeShape)):
            predicates: set[str | None] = set()
            for prop in shapes.objects(shape, SH.property):
                for path in shapes.objects(prop, SH.path):
                    predicates.update(str(p) for p in shapes.objects(path, SH.inversePath))
            for constraint in shapes.objects(shape, SH.sparql):
                for select in shapes.objects(constraint, SH.select):
                    predicates.update(this_as_object(str(select), shapes))
            if not predicates:
                continue
            classes = [str(c) for c in shapes.objects(shape, SH.targetClass)]
            if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes:  # an implicit class target
                classes.append(str(shape))
            other = any(
                True
                for target in (SH.target, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                for _ in shapes.objects(shape, target)
            )
            for c in classes:
                links.by_class[c].update(predicates)
            if other:
                links.any_node.update(predicates)
        return links


_TERM = r"(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.-]*|a)"


def this_as_object(select: str, shapes: rdflib.Graph) -> set[str | None]:
    """The predicates written just before ``$this`` in a SPARQL constraint, expanded with
    the shapes graph's prefixes; ``None`` when one cannot be read.

    >>> g = rdflib.Graph(); g.bind("rdf", rdflib.RDF)
    >>> sorted(this_as_object("SELECT $this { ?c rdf:predicate x:y ; rdf:object $this }", g))
    ['http://www.w3.org/1999/02/22-rdf-syntax-ns#object']
    >>> this_as_object("SELECT $this { $this rdf:type ?t }", g)
    set()
    """
    found: set[str | None] = set()
    for match in re.finditer(_TERM + r"\s+[$?]this\b", select):
        term = match.group(1)
        if term == "a":
            found.add(RDF_TYPE)
        elif term.startswith("<"):
            found.add(term[1:-1])
        else:
            try:
                found.add(str(shapes.namespace_manager.expand_curie(term)))
            except ValueError:
                found.add(None)
    return found


@dataclass
class Neighbourhood:
    """The quads gathered, and the nodes (as :func:`term_key` strings) whose results count."""

    quads: list[Quad]
    complete: set[str]
    #: Subjects per store graph they are described in (to name their source file).
    graphs_of: dict[str, set[str]]


class _Reader:
    """Quads by subject from the new files, the ontology and the store (minus skipped graphs)."""

    def __init__(self, store: Store, local: Iterable[Quad], skip: set[str]) -> None:
        self.store, self.skip = store, skip
        self.local: dict[str, list[Quad]] = defaultdict(list)
        for q in local:
            self.local[term_key(q.subject)].append(q)
        self.found: set[Quad] = set()
        self.graphs_of: dict[str, set[str]] = defaultdict(set)

    def _keep(self, quads: Iterable[Quad]) -> list[Quad]:
        kept = []
        for q in quads:
            graph = term_key(q.graph_name)
            if graph in self.skip:
                continue
            self.graphs_of[term_key(q.subject)].add(graph)
            kept.append(q)
        return kept

    def out(self, node: Node) -> list[Quad]:
        stored = self._keep(self.store.quads_for_pattern(node, None, None, None))
        quads = [*self.local.get(term_key(node), ()), *stored]
        self.found.update(quads)
        return quads

    def types(self, node: Node) -> list[Quad]:
        quads = [q for q in self.local.get(term_key(node), ()) if q.predicate.value == RDF_TYPE]
        quads += self._keep(self.store.quads_for_pattern(node, NamedNode(RDF_TYPE), None, None))
        self.found.update(quads)
        return quads

    def into(self, node: Node, predicate: str | None) -> list[Quad]:
        pattern = NamedNode(predicate) if predicate else None
        quads = self._keep(self.store.quads_for_pattern(None, pattern, node, None))
        self.found.update(quads)
        return quads

    def describe(self, nodes: Iterable[Node], seen: set[Node]) -> None:
        frontier = set(nodes)
        for _ in range(ROUNDS):
            following: set[Node] = set()
            for node in frontier - seen:
                seen.add(node)
                following.update(
                    q.object for q in self.out(node) if isinstance(q.object, NamedNode | BlankNode)
                )
            frontier = following
        for node in frontier - seen:
            self.types(node)


def _subclasses(ontology: Iterable[Quad]) -> dict[str, set[str]]:
    """Each class and the classes below it (rdfs:subClassOf, transitively)."""
    below: dict[str, set[str]] = defaultdict(set)
    for q in ontology:
        if q.predicate.value == SUBCLASS:
            below[term_key(q.object)].add(term_key(q.subject))
    closed: dict[str, set[str]] = {}
    for top in list(below):
        todo, seen = [top], {top}
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closed[top] = seen
    return closed


def gather(
    new: list[Quad], ontology: list[Quad], store_path: Path, skip: set[str], links: BackLinks
) -> Neighbourhood:
    """The new quads, the ontology, and what the shapes reach from the touched nodes."""
    store = Store.read_only(str(store_path))
    touched: set[Node] = set()
    for q in new:
        for term in (q.subject, q.object):
            if isinstance(term, NamedNode | BlankNode):
                touched.add(term)
    skip = skip | {term_key(q.graph_name) for q in new}
    part = gather_around(store, touched, [*new, *ontology], ontology, skip, links)
    del store
    return part


def gather_around(
    store: Store,
    touched: set[Node],
    local: list[Quad],
    ontology: list[Quad],
    skip: set[str],
    links: BackLinks,
) -> Neighbourhood:
    """What the shapes reach from ``touched`` in ``store`` (plus ``local`` quads)."""
    reader = _Reader(store, local, skip)
    seen: set[Node] = set()
    reader.describe(touched, seen)
    classes = _subclasses(ontology)
    wanted: dict[str, set[str | None]] = defaultdict(set)
    for target, predicates in links.by_class.items():
        for cls in classes.get(target, {target}):
            wanted[cls].update(predicates)
    linking: set[Node] = set()
    for node in touched:
        predicates = set(links.any_node)
        for q in reader.types(node):
            predicates |= wanted.get(term_key(q.object), set())
        for predicate in predicates:
            linking.update(
                q.subject
                for q in reader.into(node, predicate)
                if isinstance(q.subject, NamedNode | BlankNode)
            )
    reader.describe(linking - seen, seen)
    store_quads = reader.found
    complete = {term_key(n) for n in touched | linking}
    return Neighbourhood(sorted(store_quads, key=str), complete, dict(reader.graphs_of))
