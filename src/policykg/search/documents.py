"""The search documents of a graph: one per claim, entity or term, and source.

A document holds the texts found for its resource, each with its language tag and the
property it came from: a claim's quotes and notes and its speakers' names; an entity's or
term's labels (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, ``schema:name``); a
source's titles. A claim also says its source (and that source's title), its paragraphs and
whether it was corrected (``prov:wasInvalidatedBy``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, Store

from policykg.namespaces import PKG, PROV, RDF

__all__ = ["Document", "Text", "documents", "read_quads"]

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SCHEMA = "https://schema.org/"
_DCT = "http://purl.org/dc/terms/"

#: Properties whose literals name a resource, with the name they are shown under.
LABELS = {
    _RDFS + "label": "label",
    _SKOS + "prefLabel": "label",
    _SKOS + "altLabel": "altLabel",
    _SCHEMA + "name": "label",
}
_CLAIM_TEXTS = {PKG + "quote": "quote", _SKOS + "note": "note"}
_TITLE = _DCT + "title"
_SOURCE_TYPE = _SCHEMA + "NewsArticle"
_LINKS = {PKG + "speaker", PROV + "wasDerivedFrom", PROV + "wasInvalidatedBy"}
#: The properties :func:`documents` reads; the quads of every other property are skipped.
_READ = {RDF + "type", PKG + "paragraph", *LABELS, *_CLAIM_TEXTS, _TITLE, *_LINKS}


@dataclass(frozen=True, order=True)
class Text:
    """One text of a document: what it is (quote, note, speaker, label, altLabel, title)."""

    role: str
    value: str
    lang: str = ""


@dataclass
class Document:
    """What the index holds for one resource."""

    iri: str
    kind: str  # claim, entity or source
    texts: list[Text] = field(default_factory=list)
    source: str | None = None
    source_title: str | None = None
    paragraphs: list[int] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    corrected: bool = False

    def payload(self) -> dict[str, Any]:
        """What a hit shows, stored with the document."""
        return {
            "iri": self.iri,
            "kind": self.kind,
            "texts": [[t.role, t.value, t.lang] for t in self.texts],
            "source": self.source,
            "source_title": self.source_title,
            "paragraphs": self.paragraphs,
            "speakers": self.speakers,
            "corrected": self.corrected,
        }


def read_quads(store: Store) -> Iterator[Quad]:
    """The quads of ``store`` that :func:`documents` reads (a tenth of a policy graph's)."""
    for prop in sorted(_READ):
        yield from store.quads_for_pattern(None, NamedNode(prop), None, None)


def documents(quads: Iterable[Quad]) -> list[Document]:
    """The documents of a dataset, sorted by IRI."""
    literals: dict[str, dict[str, set[Literal]]] = defaultdict(lambda: defaultdict(set))
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    paragraphs: dict[str, set[int]] = defaultdict(set)
    claims, sources = set(), set()
    for q in quads:
        p = q.predicate.value
        if p not in _READ:  # most quads: only these properties make documents
            continue
        if not isinstance(q.subject, NamedNode):
            continue
        s, o = q.subject.value, q.object
        if p == RDF + "type" and isinstance(o, NamedNode):
            if o.value == PKG + "Claim":
                claims.add(s)
            elif o.value == _SOURCE_TYPE:
                sources.add(s)
        elif p == PKG + "paragraph" and isinstance(o, Literal):
            paragraphs[s].add(int(o.value))
        elif isinstance(o, Literal):
            literals[s][p].add(o)
        elif isinstance(o, NamedNode):
            links[s][p].add(o.value)

    def texts(subject: str, roles: dict[str, str]) -> list[Text]:
        return sorted(
            Text(role, lit.value, lit.language or "")
            for prop, role in roles.items()
            for lit in literals[subject].get(prop, ())
        )

    def title(subject: str | None) -> str | None:
        found = texts(subject, {_TITLE: "title"}) if subject else []
        return found[0].value if found else None

    out = []
    for iri in sorted(claims):
        speakers = sorted(links[iri].get(PKG + "speaker", ()))
        named = [Text("speaker", t.value, t.lang) for who in speakers for t in texts(who, LABELS)]
        source = min(links[iri].get(PROV + "wasDerivedFrom", ()), default=None)
        out.append(
            Document(
                iri, "claim", texts(iri, _CLAIM_TEXTS) + sorted(set(named)), source=source,
                source_title=title(source), paragraphs=sorted(paragraphs[iri]),
                speakers=speakers, corrected=bool(links[iri].get(PROV + "wasInvalidatedBy")),
            )
        )  # fmt: skip
    for iri in sorted(sources):
        out.append(Document(iri, "source", texts(iri, {_TITLE: "title"})))
    for iri in sorted(set(literals) - claims - sources):
        labels = texts(iri, LABELS)
        if labels:
            out.append(Document(iri, "entity", labels))
    return sorted(out, key=lambda d: d.iri)
