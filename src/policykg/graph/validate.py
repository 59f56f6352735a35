"""SHACL validation of the loaded sources, with results a curator can act on.

Each result names the focus node, the property, the rule broken (the shape's sh:message),
its severity, and the source file the focus node was written in.

Two shapes graphs are used: ``ontology/shapes.ttl``, which the data must conform to (violations
stop a build, warnings are shown), and ``ontology/advice.ttl``, advice to curators that
:func:`advise` reports with severity ``advice`` and that never stops a build.

No inference is run: the only reasoning the shapes need is ``sh:class`` following
``rdfs:subClassOf``, which SHACL already does over the data graph, and the data graph holds
the ontology (ontology/*.ttl). SPARQL-based targets and constraints need pyshacl's advanced mode.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Triple
from rdflib.namespace import SH

from policykg.graph.sources import Loaded, term_key
from policykg.namespaces import all_prefixes

__all__ = ["Problem", "advise", "flagged", "to_rdflib", "validate", "validate_fast"]

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True, order=True)
class Problem:
    """One SHACL result, in plain words."""

    severity: str
    focus: str
    path: str
    message: str
    value: str = ""
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        prop = f" {_curie(self.path)}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}{self.severity}: <{self.focus}>{prop}: {self.message}{value}"


def _curie(path: str) -> str:
    """A path as the README and the sources write it: ``pkg:speaker``, ``^rdf:subject``.

    >>> _curie("^https://w3id.org/policykg/ontology#speaker")
    '^pkg:speaker'
    """
    inverse, iri = ("^", path[1:]) if path.startswith("^") else ("", path)
    for prefix, namespace in sorted(all_prefixes().items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{inverse}{prefix}:{iri[len(namespace) :]}"
    return path


def _term(term: NamedNode | BlankNode | Literal | Triple) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"RDF-star triple terms are not supported: {term}")


def to_rdflib(quads: Iterable[Quad]) -> rdflib.Graph:
    """The union of ``quads`` as one rdflib graph (what the shapes are checked against)."""
    graph = rdflib.Graph()
    for q in quads:
        graph.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return graph


def _show(node: rdflib.term.Node | None, graph: rdflib.Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.BNode):  # a property path: show it in Turtle-like form
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        items = list(rdflib.collection.Collection(graph, node))
        return "/".join(str(i) for i in items) if items else "[]"
    return str(node)


def validate(loaded: Loaded, shapes: Path) -> list[Problem]:
    """Check ``loaded`` against the shapes; return every result, most severe first."""
    return _results(loaded, shapes)


def validate_fast(store: Store, shapes: Path, origin: Mapping[str, Path]) -> list[Problem]:
    """The results :func:`validate` gives for the quads of ``store`` (the sources' and
    nothing else; ``origin`` gives each subject's file), from pyshacl run only on the focus
    nodes that Oxigraph finds may violate (:mod:`policykg.graph.triage`) and what the shapes
    reach from them (:mod:`policykg.graph.neighbourhood`)."""
    from policykg.graph.neighbourhood import BackLinks, gather_around
    from policykg.graph.triage import Triage

    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    found = Triage(store, shapes_graph).candidates()
    seeds = {n for n in found if isinstance(n, NamedNode | BlankNode)}
    if not seeds:
        return []
    ontology = [
        quad
        for graph in store.named_graphs()
        if isinstance(graph, NamedNode) and graph.value.endswith("graph/ontology")
        for quad in store.quads_for_pattern(None, None, None, graph)
    ]
    part = gather_around(store, seeds, [], ontology, set(), BackLinks.of(shapes_graph))
    quads = list(dict.fromkeys([*ontology, *part.quads]))
    return [p for p in _results(Loaded(quads, [], origin), shapes) if p.focus in part.complete]


def flagged(loaded: Loaded, shapes: Path) -> set[str]:
    """The focus nodes (as :func:`term_key` writes them) that Oxigraph finds may break a
    shape in ``loaded``: every node pyshacl reports is among them (:mod:`policykg.graph.triage`),
    so where none of the nodes a caller reports is flagged, pyshacl need not run."""
    from policykg.graph.triage import Triage

    store = Store()
    store.bulk_extend(loaded.quads)
    found = Triage(store, rdflib.Graph().parse(shapes, format="turtle")).candidates()
    return {term_key(n) for n in found}


def advise(loaded: Loaded, shapes: Path, *, about: Collection[str] | None = None) -> list[Problem]:
    """Check ``loaded`` against advisory shapes; every result comes back as ``advice``.

    With ``about`` (file names), only results about nodes first described in those files
    count; pyshacl runs only when Oxigraph flags such a node (:func:`flagged`)."""
    if about is not None:
        chosen = set(about)
        if not any(str(loaded.origin.get(n)) in chosen for n in flagged(loaded, shapes)):
            return []
    problems = _results(loaded, shapes)
    if about is not None:
        problems = [p for p in problems if p.file in set(about)]
    return sorted({replace(p, severity="advice") for p in problems})


def _results(loaded: Loaded, shapes: Path) -> list[Problem]:
    from pyshacl import validate as shacl_validate  # slow to import: only when needed

    data = to_rdflib(loaded.quads)
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    _, report, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    problems = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = _SEVERITY.get(report.value(result, SH.resultSeverity), "violation")
        message = str(report.value(result, SH.resultMessage) or "constraint not met")
        origin = loaded.origin.get(str(focus))
        problems.append(
            Problem(
                severity=severity,
                focus=str(focus),
                path=_show(path, report),
                message=message,
                value="" if value is None or value == focus else str(value),
                file=str(origin) if origin else "",
            )
        )
    order = {"violation": 0, "warning": 1, "info": 2, "advice": 3}
    return sorted(
        set(problems), key=lambda p: (order[p.severity], p.file, p.focus, p.path, p.message)
    )
