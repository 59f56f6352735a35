"""The ontology and the shapes as documents: their triples and a page of their terms.

``/ontology`` documents every term of ``ontology/policykg.ttl`` (classes, properties, then
the other terms: stances, concepts), each under an anchor named after its local name, so
``…/ontology#Claim`` lands on it; ``/shapes`` does the same for ``ontology/shapes.ttl``.
Labels of the terms they refer to come from every file of ``ontology/`` (DPV, external).
Read once, when the service starts.

>>> from policykg.settings import Settings
>>> vocab = Vocabulary.load(Settings().root / "ontology", Iris("https://w3id.org/policykg/"))
>>> claim = vocab.ontology.term("Claim")
>>> claim.label, claim.kind
('claim', 'Classes')
>>> vocab.shapes.term("ClaimShape").kind
'Shapes'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse

from .describe import RDF_TYPE
from .iris import ONTOLOGY, SHAPES, Iris
from .page import Term, _Index

__all__ = ["Document", "Row", "TermDoc", "Vocabulary"]

OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
_KINDS = (
    ("Classes", {OWL + "Class", "http://www.w3.org/2000/01/rdf-schema#Class"}),
    ("Properties", {OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF_TYPE[:-4] + "Property"}),
    ("Shapes", {SH + "NodeShape", SH + "PropertyShape"}),
)


@dataclass
class Row:
    """One property of a term; a blank-node value (a property shape) is shown nested."""

    property: Term
    value: Term
    nested: list[Row] = field(default_factory=list)


@dataclass
class TermDoc:
    name: str
    iri: str
    kind: str
    label: str
    rows: list[Row]


@dataclass(eq=False)  # compared (and cached) by identity: one per loaded vocabulary
class Document:
    """One vocabulary file: its IRI, triples and documented terms."""

    iri: str
    title: str
    triples: list[Triple]
    terms: list[TermDoc]
    header: list[Row]

    def term(self, name: str) -> TermDoc | None:
        return next((t for t in self.terms if t.name == name), None)

    def triples_of(self, name: str) -> list[Triple]:
        """A term's own triples and those of the blank nodes they lead to."""
        start: NamedNode | BlankNode = NamedNode(f"{self.iri}#{name}")
        seen: set[BlankNode] = set()
        todo, out = [start], []
        while todo:
            node = todo.pop()
            for t in self.triples:
                if t.subject == node:
                    out.append(t)
                    if isinstance(t.object, BlankNode) and t.object not in seen:
                        seen.add(t.object)
                        todo.append(t.object)
        return out


@dataclass
class Vocabulary:
    ontology: Document
    shapes: Document

    @classmethod
    def load(cls, folder: Path, iris: Iris, language: str = "en") -> Vocabulary:
        files = {p.name: _read(p) for p in sorted(folder.glob("*.ttl"))}
        everything = [t for triples in files.values() for t in triples]
        index = _Index(everything, iris, language)
        return cls(
            _document(ONTOLOGY, "policykg ontology", files.get("policykg.ttl", []), index),
            _document(SHAPES, "policykg shapes", files.get("shapes.ttl", []), index),
        )


def _read(path: Path) -> list[Triple]:
    return [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE)]


def _rows(index: _Index, node: object, depth: int = 0) -> list[Row]:
    rows = []
    for prop, values in index.out.get(node, {}).items():
        for value in dict.fromkeys(values):
            nested = (
                _rows(index, value, depth + 1) if isinstance(value, BlankNode) and depth < 3 else []
            )
            rows.append(Row(index.term(NamedNode(prop)), index.term(value), nested))
    rows.sort(key=lambda r: (r.property.text.lower(), r.value.text))
    return rows


def _document(iri: str, title: str, triples: list[Triple], labels: _Index) -> Document:
    index = labels
    terms = []
    namespace = iri + "#"
    subjects = dict.fromkeys(
        t.subject for t in triples
        if isinstance(t.subject, NamedNode) and t.subject.value.startswith(namespace)
    )  # fmt: skip
    for subject in subjects:
        name = subject.value[len(namespace) :]
        types = index.types(subject)
        kind = next((k for k, wanted in _KINDS if types & wanted), "Other terms")
        label = index.label(subject) or name
        terms.append(TermDoc(name, subject.value, kind, label, _rows(index, subject)))
    order = {k: i for i, (k, _) in enumerate(_KINDS)}
    terms.sort(key=lambda t: (order.get(t.kind, len(order)), t.name.lower()))
    return Document(iri, title, triples, terms, _rows(index, NamedNode(iri)))
