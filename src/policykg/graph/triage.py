"""Which focus nodes may break a shape, found by Oxigraph before pyshacl looks at them.

pyshacl validates every focus node in Python, which at 100k claims takes far longer than
everything else in a build. Here each shape's targets and constraints are turned into
SPARQL that pyoxigraph runs over the whole graph at native speed, and each query returns
the focus nodes that *may* violate the constraint: a superset, never fewer. pyshacl then
validates only those nodes, on what the shapes reach from them
(:mod:`policykg.graph.neighbourhood`), so the results are pyshacl's own, and a graph
that conforms costs a few queries. A constraint this module does not read (and any
SPARQL constraint, which is run once per focus node with ``$this`` bound) makes every
focus node of its shape a candidate: slower, never wrong. ``policykg build
--full-validation`` runs pyshacl over the whole graph instead.

The SPARQL is made from the shapes graph (a project file), never from request input; its
terms are written by rdflib's ``n3()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH, XSD

__all__ = ["Triage"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_CAST = {XSD.integer, XSD.date, XSD.dateTime, XSD.boolean, XSD.decimal, XSD.double, XSD.float}
_PLAIN = {XSD.string, rdflib.RDF.langString}
_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "!isIRI(?v)",
    SH.BlankNode: "!isBlank(?v)",
    SH.Literal: "!isLiteral(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)",
    SH.BlankNodeOrLiteral: "isIRI(?v)",
    SH.IRIOrLiteral: "isBlank(?v)",
}
_COMPARE: dict[rdflib.term.Node, str] = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
#: Shape properties that constrain nothing.
_INERT = {
    SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.path,
    SH.target, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.defaultValue, SH.deactivated,
}  # fmt: skip


class _All(Exception):
    """A constraint this module does not read: every focus node is a candidate."""


@dataclass
class _Found:
    """Focus nodes that may violate, and whether they are exactly the violating ones."""

    nodes: set[Term]
    exact: bool


class Triage:
    """Candidates for SHACL violations in ``store`` (its default graph the union of all)."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph) -> None:
        self.store, self.shapes = store, shapes
        self.prefixes = "".join(
            f"PREFIX {p}: <{n}>\n"
            for d in shapes.objects(None, SH.declare)
            for p in shapes.objects(d, SH.prefix)
            for n in shapes.objects(d, SH.namespace)
        )

    def _select(self, where: str) -> set[Term]:
        query = f"{self.prefixes}SELECT DISTINCT ?this WHERE {{ {where} }}"
        solutions = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        return {row[0] for row in solutions if row[0] is not None}

    def candidates(self) -> set[Term]:
        """Every focus node of every targeted shape that may violate it."""
        found: set[Term] = set()
        g = self.shapes
        shapes = set(g.subjects(rdflib.RDF.type, SH.NodeShape)) | set(
            g.subjects(rdflib.RDF.type, SH.PropertyShape)
        )
        for shape in shapes:
            if g.value(shape, SH.deactivated) == rdflib.Literal(True):
                continue
            focus = self._targets(shape)
            if focus is None:
                continue
            try:
                found |= self._shape(shape, focus).nodes
            except _All:
                found |= self._select(focus)
        return found

    # --- focus nodes -------------------------------------------------------------------

    def _targets(self, shape: rdflib.term.Node) -> str | None:
        """A SPARQL pattern binding ``?this`` to the shape's focus nodes, or None."""
        g, parts = self.shapes, []
        classes = list(g.objects(shape, SH.targetClass))
        if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in g:
            classes.append(shape)
        for c in classes:
            parts.append(f"?this {_RDF_TYPE}/{_SUBCLASS}* {c.n3()}")
        for node in g.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {node.n3()} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {p.n3()} []")
        for p in g.objects(shape, SH.targetObjectsOf):
            parts.append(f"[] {p.n3()} ?this")
        for target in g.objects(shape, SH.target):
            select = g.value(target, SH.select)
            if select is None:
                raise ValueError(f"a target this build cannot read: {target}")
            parts.append(f"{{ {select} }}")
        if not parts:
            return None
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    # --- constraints -------------------------------------------------------------------

    def _shape(self, shape: rdflib.term.Node, focus: str) -> _Found:
        """Candidates among ``focus`` for one shape (node or property shape)."""
        g = self.shapes
        path = g.value(shape, SH.path)
        values = "?this" if path is None else None
        if path is not None:
            values = self._path(path)
        found, exact = set(), True
        for predicate, value in g.predicate_objects(shape):
            if predicate in _INERT or predicate == rdflib.RDF.type:
                continue
            if predicate == SH.property:
                part = self._shape(value, focus)
            elif predicate in (SH.xone, SH["or"]) and path is None:
                part = self._logic(predicate, value, focus)
            elif predicate in (SH.xone, SH["or"]):  # each member applies to each value
                part = self._through_values(focus, values, partial(self._logic, predicate, value))
            elif predicate == SH.sparql and path is None:
                part = self._sparql(value, focus)
            else:
                part = self._component(predicate, value, focus, values)
            found |= part.nodes
            exact = exact and part.exact
        return _Found(found, exact)

    def _path(self, path: rdflib.term.Node) -> str:
        g = self.shapes
        if isinstance(path, rdflib.URIRef):
            return path.n3()
        if (inverse := g.value(path, SH.inversePath)) is not None:
            return f"^({self._path(inverse)})"
        if (alternatives := g.value(path, SH.alternativePath)) is not None:
            items = rdflib.collection.Collection(g, alternatives)
            return "(" + "|".join(self._path(p) for p in items) + ")"
        for key, mark in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            if (inner := g.value(path, key)) is not None:
                return f"({self._path(inner)}){mark}"
        if g.value(path, rdflib.RDF.first) is not None:
            return (
                "(" + "/".join(self._path(p) for p in rdflib.collection.Collection(g, path)) + ")"
            )
        raise _All

    def _bad_value(self, predicate: rdflib.term.Node, value: rdflib.term.Node) -> tuple[str, bool]:
        """A FILTER expression true when ``?v`` breaks a value constraint; whether exact."""
        if predicate == SH["class"]:
            return f"NOT EXISTS {{ ?v {_RDF_TYPE}/{_SUBCLASS}* {value.n3()} }}", True
        if predicate == SH.datatype:
            if value in _CAST:
                ok = f"isLiteral(?v) && datatype(?v) = {value.n3()} && {value.n3()}(?v) = {value.n3()}(?v)"
                return f"!COALESCE({ok}, false)", True
            if value in _PLAIN:
                return f"!isLiteral(?v) || datatype(?v) != {value.n3()}", True
            return "true", False
        if predicate == SH.nodeKind and value in _KINDS:
            return _KINDS[value], True
        if predicate == SH["in"]:
            items = rdflib.collection.Collection(self.shapes, value)
            return "!(" + " || ".join(f"sameTerm(?v, {t.n3()})" for t in items) + ")", True
        if predicate == SH.pattern:
            flags = self.shapes.value(None, SH.pattern, value)  # the flags sit beside it
            flag = ""
            if flags is not None and (f := self.shapes.value(flags, SH.flags)) is not None:
                flag = f", {f.n3()}"
            return f"isBlank(?v) || !REGEX(STR(?v), {value.n3()}{flag})", False
        if predicate in (SH.maxLength, SH.minLength):
            op = ">" if predicate == SH.maxLength else "<"
            return f"isBlank(?v) || STRLEN(STR(?v)) {op} {value.n3()}", False
        if predicate in _COMPARE:
            return f"!COALESCE(?v {_COMPARE[predicate]} {value.n3()}, false)", False
        raise _All

    def _component(
        self, predicate: rdflib.term.Node, value: rdflib.term.Node, focus: str, values: str | None
    ) -> _Found:
        reach = "BIND (?this AS ?v)" if values == "?this" else f"?this {values} ?v"
        if predicate == SH.minCount and values != "?this" and value == rdflib.Literal(1):
            return _Found(self._select(f"{focus} FILTER NOT EXISTS {{ ?this {values} ?v }}"), True)
        if predicate == SH.maxCount and values != "?this":
            many = f"SELECT ?this WHERE {{ ?this {values} ?v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {value.n3()})"
            return _Found(self._select(f"{focus} {{ {many} }}"), True)
        if predicate == SH.minCount and values != "?this":
            inner = f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {values} ?v }} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {value.n3()})"
            return _Found(self._select(f"{{ {inner} }}"), True)
        if predicate == SH.hasValue:
            return _Found(
                self._select(
                    f"{focus} FILTER NOT EXISTS {{ {reach} FILTER (sameTerm(?v, {value.n3()})) }}"
                ),
                True,
            )
        if predicate == SH.uniqueLang and values != "?this":
            if value != rdflib.Literal(True):
                return _Found(set(), True)
            pair = f"?this {values} ?v . ?this {values} ?w FILTER (?v != ?w && lang(?v) != '' && lang(?v) = lang(?w))"
            return _Found(self._select(f"{focus} {pair}"), True)
        if predicate in (SH.lessThanOrEquals, SH.lessThan) and values != "?this":
            op = "<=" if predicate == SH.lessThanOrEquals else "<"
            pair = (
                f"?this {values} ?v . ?this {value.n3()} ?w FILTER (!COALESCE(?v {op} ?w, false))"
            )
            return _Found(self._select(f"{focus} {pair}"), False)
        if predicate == SH.node:
            return self._through_values(focus, values, partial(self._shape, value))
        test, exact = self._bad_value(predicate, value)
        return _Found(self._select(f"{focus} {reach} FILTER ({test})"), exact)

    def _through_values(
        self, focus: str, values: str | None, shape: Callable[[str], _Found]
    ) -> _Found:
        """The focus nodes with a value that ``shape`` finds may break it: ``shape`` is
        given the values (reached by ``values`` from ``focus``) as its focus nodes."""
        reach = "BIND (?this AS ?v)" if values == "?this" else f"?this {values} ?v"
        step = "BIND (?o AS ?v)" if values == "?this" else f"?o {values} ?v"
        outer = f"{{ SELECT (?this AS ?o) WHERE {{ {focus} }} }}"
        bad = shape(f"{{ SELECT DISTINCT (?v AS ?this) WHERE {{ {outer} {step} }} }}")
        if not bad.nodes:
            return _Found(set(), bad.exact)
        query = f"{self.prefixes}SELECT DISTINCT ?this ?v WHERE {{ {focus} {reach} }}"
        rows = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        return _Found({r[0] for r in rows if r[1] in bad.nodes and r[0] is not None}, bad.exact)

    def _logic(self, predicate: rdflib.term.Node, members: rdflib.term.Node, focus: str) -> _Found:
        """sh:xone / sh:or over members whose violators are known exactly; else all."""
        parts = [self._shape(m, focus) for m in rdflib.collection.Collection(self.shapes, members)]
        if not all(p.exact for p in parts):
            raise _All
        nodes = self._select(focus)
        found = set()
        for node in nodes:
            conforming = sum(node not in p.nodes for p in parts)
            if (predicate == SH.xone and conforming != 1) or (
                predicate != SH.xone and not conforming
            ):
                found.add(node)
        return _Found(found, True)

    def _sparql(self, constraint: rdflib.term.Node, focus: str) -> _Found:
        """A SPARQL constraint, run once per focus node with ``$this`` bound."""
        select = self.shapes.value(constraint, SH.select)
        if select is None:
            raise _All
        query = self.prefixes + str(select)
        if _joinable(str(select)):
            where = f"{focus} {{ {str(select).replace('$this', '?this')} }}"
            return _Found(self._select(where), False)
        found: set[Term] = set()
        for node in self._select(focus):
            if not isinstance(node, ox.NamedNode | ox.BlankNode):
                found.add(node)
                continue
            rows = self.store.query(
                query, use_default_graph_as_union=True, substitutions={ox.Variable("this"): node}
            )
            assert isinstance(rows, ox.QuerySolutions)
            if any(True for _ in rows):
                found.add(node)
        return _Found(found, False)


def _joinable(select: str) -> bool:
    """Whether a SPARQL constraint gives the same rows run once and joined with the focus
    nodes as run once per focus node with ``$this`` bound: no sub-select, and ``$this``
    the subject or object of a triple pattern at the top level of its WHERE block (so
    every row binds it before any FILTER, EXISTS or OPTIONAL sees it).

    >>> _joinable("SELECT $this ?v WHERE { $this <p> ?x . FILTER (?x > 1) }")
    True
    >>> _joinable("SELECT $this WHERE { FILTER NOT EXISTS { ?c <p> $this } }")
    False
    >>> _joinable("SELECT $this WHERE { BIND ($this AS ?x) $this <p> ?x }")
    False
    """
    if select.upper().count("SELECT") != 1 or "{" not in select:
        return False
    depth, top = 0, []
    for char in select[select.index("{") :]:
        if char == "{":
            depth += 1
            top.append(" " if depth == 2 else "")
        elif char == "}":
            depth -= 1
        elif depth == 1:
            top.append(char)
    text = "".join(top)
    pattern = re.search(r"(^|[.;{\s])\$this\s+\S+\s+\S+", text)
    return bool(pattern) and not re.search(r"BIND\s*\([^)]*\$this", text, re.IGNORECASE)
