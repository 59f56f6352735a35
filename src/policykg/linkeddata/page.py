"""What a resource page shows, read from the resource's description (see :mod:`.describe`).

A page is built from the triples of one description only, so the HTML says exactly what
the RDF alternates say: the resource's label in the reader's language, its facts (claims
of which it is the subject) grouped by property, each with its sources, quotes, stance,
period and jurisdiction; corrected claims with their correction; where sources disagree
on a property, each source's version; the claims in which it is the object, source,
speaker or jurisdiction; its own triples (identifications by the curators, links to
Wikidata and DPV) and the links into it.

>>> pick_language("de-DE,de;q=0.9,en;q=0.5"), pick_language("fr"), pick_language(None)
('de', 'en', 'en')
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from policykg.formats import parse_accept
from policykg.namespaces import DEFAULT_BASE, PKG, PROV, RDF, all_prefixes

from .describe import CLAIM, LABELS, RDF_TYPE
from .iris import Iris

__all__ = [
    "LANGUAGES",
    "Claim",
    "Fact",
    "FactGroup",
    "Page",
    "Term",
    "build_page",
    "pick_language",
]

#: The languages pages are offered in; the first is the fallback.
LANGUAGES = ("en", "nl", "de")

DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
TIME = "http://www.w3.org/2006/time#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ARTICLE = SCHEMA + "NewsArticle"
ASSERTED = PKG + "Asserted"
ASSERTING = (ASSERTED, PKG + "ReportedSpeech")
_CLAIM_STRUCTURE = {
    RDF_TYPE, RDF + "subject", RDF + "predicate", RDF + "object", PKG + "stance",
    PROV + "wasDerivedFrom", PKG + "quote", PKG + "paragraph", PKG + "speaker",
    DCT + "spatial", DCT + "temporal", PROV + "wasInvalidatedBy", PKG + "reason",
    DCT + "source",
}  # fmt: skip
#: Own properties that link out of the graph (Wikidata, DPV), shown as such.
_MATCHES = {SKOS + "exactMatch", SKOS + "closeMatch"}


def pick_language(header: str | None) -> str:
    """The page language from ``Accept-Language``: the best of nl, de, en; else en."""
    best, quality = LANGUAGES[0], 0.0
    for tag, q in parse_accept(header or ""):
        lang = tag.split("-")[0]
        if lang in LANGUAGES and q > quality:
            best, quality = lang, q
    return best


@dataclass(frozen=True)
class Term:
    """An RDF term as a page shows it: a label, and for an IRI its page and the IRI itself."""

    text: str
    iri: str | None = None
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    external: str | None = None  # "Wikidata", "DPV" for links out

    @property
    def is_iri(self) -> bool:
        return self.iri is not None


@dataclass
class Source:
    term: Term
    publisher: Term | None
    date: str | None
    language: str | None


@dataclass
class Claim:
    """One claim: its triple, stance, source and where-and-when, and its correction if any."""

    iri: str
    term: Term
    subject: Term | None
    predicate: Term | None
    object: Term | None
    stance: Term | None
    source: Source | None
    quotes: list[Term] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    speaker: Term | None = None
    said_to: Term | None = None
    period: str | None = None
    jurisdictions: list[Term] = field(default_factory=list)
    reasons: list[Term] = field(default_factory=list)
    correction: Correction | None = None

    @property
    def corrected(self) -> bool:
        return self.correction is not None

    @property
    def first_paragraph(self) -> int:
        return min(self.paragraphs, default=1 << 30)


@dataclass
class Correction:
    term: Term
    date: str | None
    by: list[Term]
    reasons: list[Term]
    replaced_by: list[Term]


@dataclass
class Fact:
    """One value of a property, with the claims (one per source statement) that give it."""

    value: Term
    claims: list[Claim]

    @property
    def corrected(self) -> bool:
        return all(c.corrected for c in self.claims)


@dataclass
class Version:
    """What one source says for a disputed property: its values, each with the stance
    it is put forward in when that is not a plain assertion (alleged, denied…)."""

    source: Source
    values: list[tuple[Term, Term | None]]


@dataclass
class FactGroup:
    """The facts of one property; ``versions`` is set when the sources disagree."""

    predicate: Term
    facts: list[Fact]
    versions: list[Version] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        return bool(self.versions)


@dataclass
class Link:
    """A plain triple of the description: from or to the resource."""

    property: Term
    value: Term


@dataclass
class Page:
    """Everything a resource page shows."""

    iri: str
    kind: str  # "claim", "source", "entity"
    label: str
    language: str
    types: list[Term]
    description: list[Term]
    own: list[Link]
    links_out: list[Term]
    facts: list[FactGroup]
    mentions: list[FactGroup]
    roles: dict[str, list[Claim]]
    incoming: list[Link]
    claim: Claim | None = None
    siblings: FactGroup | None = None
    source: Source | None = None
    source_claims: list[Claim] = field(default_factory=list)


class _Index:
    """The description's triples by subject, with labels in the reader's language."""

    def __init__(self, triples: Iterable[Triple], iris: Iris, language: str) -> None:
        self.iris, self.language = iris, language
        self.out: dict[object, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[object, list[tuple[object, str]]] = defaultdict(list)
        self._terms: dict[object, Term] = {}
        for t in triples:
            self.out[t.subject][t.predicate.value].append(t.object)
            self.into[t.object].append((t.subject, t.predicate.value))

    def values(self, node: object, prop: str) -> list[object]:
        return list(dict.fromkeys(self.out.get(node, {}).get(prop, [])))

    def one(self, node: object, prop: str) -> object | None:
        found = self.values(node, prop)
        return found[0] if found else None

    def types(self, node: object) -> set[str]:
        return {t.value for t in self.values(node, RDF_TYPE) if isinstance(t, NamedNode)}

    def label(self, node: object) -> str | None:
        """The best label: the reader's language, then English, then none, then any."""
        order = (self.language, "en", None)
        for prop in LABELS:
            found = [v for v in self.values(node, prop) if isinstance(v, Literal)]
            for wanted in order:
                for value in found:
                    if value.language == wanted:
                        return value.value
            if found:
                return found[0].value
        return None

    def term(self, node: object) -> Term:
        """The term as shown, made once per node and page."""
        known = self._terms.get(node)
        if known is None:
            known = self._terms[node] = self._term(node)
        return known

    def _term(self, node: object) -> Term:
        if isinstance(node, NamedNode):
            iri = node.value
            external = _external(iri)
            return Term(
                self.label(node) or short(iri, self.iris.base),
                iri,
                self.iris.href(iri),
                external=external,
            )
        if isinstance(node, Literal):
            datatype = node.datatype.value
            plain = datatype.endswith(("#string", "#langString"))
            return Term(node.value, lang=node.language, datatype=None if plain else short(datatype))
        if isinstance(node, BlankNode):
            return Term(self.period(node) or "(unnamed)")
        return Term(str(node))

    def period(self, node: object) -> str | None:
        """An OWL-Time interval as "from D", "until D" or "D to D"."""
        begin = self._instant(self.one(node, TIME + "hasBeginning"))
        end = self._instant(self.one(node, TIME + "hasEnd"))
        if begin and end:
            return f"{begin} to {end}"
        if begin:
            return f"from {begin}"
        if end:
            return f"until {end}"
        return None

    def _instant(self, node: object) -> str | None:
        if node is None:
            return None
        for prop in ("inXSDDate", "inXSDDateTimeStamp", "inXSDgYearMonth", "inXSDgYear"):
            value = self.one(node, TIME + prop)
            if isinstance(value, Literal):
                return value.value
        return None


@functools.cache
def _prefixes(base: str) -> dict[str, str]:
    return all_prefixes(base)


def short(iri: str, base: str = DEFAULT_BASE) -> str:
    """An IRI written with the graph's prefixes (``pkg:Claim``, ``claim:000/x``), or whole.

    >>> short("https://w3id.org/policykg/claim/000/x"), short("http://e/x")
    ('claim:000/x', 'http://e/x')
    """
    prefixes = _prefixes(base)
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(prefixes[best]) :]}"
    return iri


def _external(iri: str) -> str | None:
    if iri.startswith("http://www.wikidata.org/entity/"):
        return "Wikidata"
    if iri.startswith("https://w3id.org/dpv"):
        return "DPV"
    return None


def _source(index: _Index, node: object) -> Source | None:
    if node is None:
        return None
    issued = index.one(node, DCT + "issued")
    language = index.one(node, DCT + "language")
    publisher = index.one(node, SCHEMA + "publisher")
    return Source(
        term=index.term(node),
        publisher=index.term(publisher) if publisher is not None else None,
        date=issued.value if isinstance(issued, Literal) else None,
        language=language.value if isinstance(language, Literal) else None,
    )


def _claim(index: _Index, node: NamedNode) -> Claim:
    def term_of(prop: str) -> Term | None:
        value = index.one(node, prop)
        return index.term(value) if value is not None else None

    correction = None
    invalidated = index.one(node, PROV + "wasInvalidatedBy")
    if invalidated is not None:
        date = index.one(invalidated, DCT + "date")
        reasons = [v for v in index.values(invalidated, PKG + "reason") if isinstance(v, Literal)]
        reasons.sort(key=lambda v: v.language != index.language)
        correction = Correction(
            term=index.term(invalidated),
            date=date.value if isinstance(date, Literal) else None,
            by=[index.term(v) for v in index.values(invalidated, PROV + "wasAssociatedWith")],
            reasons=[index.term(v) for v in reasons],
            replaced_by=[index.term(v) for v in index.values(invalidated, PKG + "replacedBy")],
        )
    periods = [index.period(v) for v in index.values(node, DCT + "temporal")]
    paragraphs = sorted(
        int(v.value) for v in index.values(node, PKG + "paragraph") if isinstance(v, Literal)
    )
    return Claim(
        iri=node.value,
        term=Term(short_claim(node.value, index.iris), node.value, index.iris.href(node.value)),
        subject=term_of(RDF + "subject"),
        predicate=term_of(RDF + "predicate"),
        object=term_of(RDF + "object"),
        stance=term_of(PKG + "stance"),
        source=_source(index, index.one(node, PROV + "wasDerivedFrom")),
        quotes=[index.term(v) for v in index.values(node, PKG + "quote")],
        paragraphs=paragraphs,
        speaker=term_of(PKG + "speaker"),
        said_to=term_of(DCT + "source"),
        period="; ".join(p for p in periods if p) or None,
        jurisdictions=[index.term(v) for v in index.values(node, DCT + "spatial")],
        reasons=[index.term(v) for v in index.values(node, PKG + "reason")],
        correction=correction,
    )


def short_claim(iri: str, iris: Iris) -> str:
    """``claim:000/eu-excluded`` for a claim IRI under the base."""
    return short(iri, iris.base)


def _group(claims: list[Claim], key: str, index: _Index) -> list[FactGroup]:
    """Claims grouped by property, each value with its claims; disagreements found."""
    by_property: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.predicate is not None and claim.predicate.iri is not None:
            by_property[claim.predicate.iri].append(claim)
    groups = []
    for prop, members in sorted(by_property.items(), key=lambda kv: _label_key(kv[0], index)):
        facts: dict[str, Fact] = {}
        for claim in sorted(members, key=_claim_order):
            value = claim.object if key == "object" else claim.subject
            if value is None:
                continue
            ident = value.iri or f"{value.text}@{value.lang}^{value.datatype}"
            facts.setdefault(ident, Fact(value, [])).claims.append(claim)
        group = FactGroup(index.term(NamedNode(prop)), list(facts.values()))
        if key == "object":
            group.versions = _versions(members)
        groups.append(group)
    return groups


def _versions(claims: list[Claim]) -> list[Version]:
    """Each source's values for a property, when two sources give different sets.

    Corrected claims do not count; a value denied or alleged differs from one asserted or
    reported (which, as in the graph of asserted statements, count alike).
    The lists differing is the disagreement, as in the named query exclusion-disagreements.
    """
    by_source: dict[str, tuple[Source, dict[tuple[str, str], tuple[Term, Term | None]]]] = {}
    for claim in claims:
        if claim.corrected or claim.source is None or claim.object is None:
            continue
        source = claim.source
        stance = claim.stance if claim.stance and claim.stance.iri != ASSERTED else None
        entry = by_source.setdefault(source.term.iri or source.term.text, (source, {}))
        polarity = stance.iri if stance and stance.iri not in ASSERTING else ""
        value_key = (claim.object.iri or claim.object.text, polarity or "")
        entry[1][value_key] = (claim.object, stance)
    sets = {frozenset(values) for _, values in by_source.values()}
    if len(by_source) < 2 or len(sets) < 2:
        return []
    return [
        Version(source, sorted(values.values(), key=lambda v: v[0].text))
        for source, values in sorted(by_source.values(), key=lambda e: e[0].term.text)
    ]


def _label_key(iri: str, index: _Index) -> str:
    return (index.label(NamedNode(iri)) or short(iri)).lower()


def _claim_order(claim: Claim) -> tuple[str, int, str]:
    source = claim.source.term.text if claim.source else ""
    return source, claim.first_paragraph, claim.iri


def build_page(iri: str, triples: Iterable[Triple], iris: Iris, language: str) -> Page | None:
    """The page for ``iri`` from its description; None when the description is empty."""
    index = _Index(triples, iris, language)
    node = NamedNode(iri)
    if not index.out and not index.into:
        return None
    claim_nodes = [s for s in index.out if isinstance(s, NamedNode) and CLAIM in index.types(s)]
    claims = {c.value: _claim(index, c) for c in claim_nodes}
    types = index.types(node)
    kind = "claim" if CLAIM in types else "source" if ARTICLE in types else "entity"
    label = index.label(node) or short(iri, iris.base)
    about = [c for c in claims.values() if c.subject and c.subject.iri == iri]
    mentioned = [c for c in claims.values() if c.object and c.object.iri == iri]
    roles: dict[str, list[Claim]] = {}
    for title, prop in (
        ("Claims it says", PKG + "speaker"),
        ("Claims for this jurisdiction", DCT + "spatial"),
        ("Claims it corrects", PROV + "wasInvalidatedBy"),
    ):
        found = [
            claims[s.value]
            for s, p in index.into.get(node, [])
            if p == prop and isinstance(s, NamedNode) and s.value in claims
        ]
        if found:
            roles[title] = sorted(found, key=_claim_order)
    claimed = {
        (c.predicate.iri, c.object.iri or c.object.text) for c in about if c.predicate and c.object
    }
    own, links_out, description = [], [], []
    for prop, values in index.out.get(node, {}).items():
        for value in dict.fromkeys(values):
            term = index.term(value)
            if prop in _MATCHES and term.iri:
                links_out.append(term)
            if prop in (RDF_TYPE, *LABELS) or (kind == "claim" and prop in _CLAIM_STRUCTURE):
                continue
            if prop in (SKOS + "scopeNote", SKOS + "definition", DCT + "description"):
                description.append(term)
                continue
            if (prop, term.iri or term.text) in claimed:
                continue  # the plain triple of a claim (graph/asserted): shown with its sources
            own.append(Link(index.term(NamedNode(prop)), term))
    own.sort(key=lambda link: (link.property.text.lower(), link.value.text))
    incoming = sorted(
        (
            Link(index.term(NamedNode(p)), index.term(s))
            for s, p in index.into.get(node, [])
            if not (isinstance(s, NamedNode) and s.value in claims) and p != RDF_TYPE
        ),
        key=lambda link: (link.property.text.lower(), link.value.text),
    )
    page = Page(
        iri=iri,
        kind=kind,
        label=label,
        language=language,
        types=sorted((index.term(NamedNode(t)) for t in types), key=lambda t: t.text),
        description=description,
        own=own,
        links_out=links_out,
        facts=_group(about, "object", index),
        mentions=_group(mentioned, "subject", index),
        roles=roles,
        incoming=incoming,
    )
    if kind == "claim":
        page.claim = claims.get(iri)
        parts = (page.claim.subject, page.claim.predicate, page.claim.object) if page.claim else ()
        if parts and all(parts):
            page.label = " · ".join(p.text for p in parts if p is not None)
        if page.claim and page.claim.predicate and page.claim.subject:
            siblings = [
                c for c in claims.values()
                if c.subject == page.claim.subject and c.predicate == page.claim.predicate
            ]  # fmt: skip
            grouped = _group(siblings, "object", index)
            page.siblings = grouped[0] if grouped else None
    if kind == "source":
        page.source = _source(index, node)
        page.source_claims = sorted(
            (c for c in claims.values() if c.source and c.source.term.iri == iri),
            key=lambda c: (c.first_paragraph, c.iri),
        )
    return page
