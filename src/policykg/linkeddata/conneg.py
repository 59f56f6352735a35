"""Content negotiation for resources: an extension overrides ``Accept``, which has q-values.

A resource is available as an HTML page and as Turtle, N-Triples, JSON-LD and RDF/XML;
a named graph also as TriG and N-Quads, which keep its name. The first representation of a
list answers ``*/*`` and a missing ``Accept``: HTML, as Wikidata's entity pages do. Among
ranges that match a representation the most specific one gives its q-value (RFC 9110
12.5.1); a tie goes to the earlier representation. The RDF media types are those of
:data:`policykg.formats.GRAPHS`.

>>> choose("text/turtle;q=0.9, application/ld+json", None, graph=False).name
'jsonld'
>>> choose("text/html", "turtle", graph=False).name
'turtle'
>>> choose("text/*", None, graph=False).name, choose("text/html;q=0, text/*", None, graph=False).name
('html', 'turtle')
>>> choose("application/n-quads", None, graph=True).name
'nquads'
>>> choose("application/n-quads", None, graph=False)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policykg.errors.NotAcceptable: none of the accepted media types (application/n-quads) is available ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policykg.errors import NotAcceptable
from policykg.formats import GRAPHS, best_match, content_type

__all__ = [
    "GRAPH_DOCUMENT",
    "HTML",
    "RESOURCE",
    "Representation",
    "by_name",
    "choose",
]


@dataclass(frozen=True)
class Representation:
    """One form of a resource: its name (a ``GRAPHS`` format name, or ``html``), media
    type, other media types accepted for it, and file extension."""

    name: str
    media_type: str
    aliases: tuple[str, ...]
    extension: str

    @property
    def content_type(self) -> str:
        """The Content-Type header value: UTF-8 is stated for the textual types."""
        return content_type(self)

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


def _rdf(name: str, extension: str) -> Representation:
    fmt = GRAPHS.by_name(name)
    assert fmt is not None, name
    return Representation(name, fmt.media_type, tuple(fmt.aliases), extension)


HTML = Representation("html", "text/html", ("application/xhtml+xml",), "html")
#: An entity, claim, source or vocabulary term, in preference order.
RESOURCE = (
    HTML,
    _rdf("turtle", "ttl"),
    _rdf("ntriples", "nt"),
    _rdf("jsonld", "jsonld"),
    _rdf("rdfxml", "rdf"),
)
#: A named graph: TriG and N-Quads keep its name.
GRAPH_DOCUMENT = (HTML, _rdf("trig", "trig"), _rdf("nquads", "nq"), *RESOURCE[1:])


def by_name(forms: Sequence[Representation], name: str) -> Representation | None:
    """The representation with this name or media type, if offered."""
    wanted = name.strip().lower()
    return next((f for f in forms if wanted == f.name or f.matches(wanted)), None)


def choose(accept: str | None, name: str | None, *, graph: bool) -> Representation:
    """The representation to answer with: ``name`` (from the extension) if given, else the
    best by ``Accept``; NotAcceptable (406) when none fits."""
    forms = GRAPH_DOCUMENT if graph else RESOURCE
    if name is not None:
        chosen = by_name(forms, name)
        if chosen is None:
            raise NotAcceptable(
                f"{name} is only available for named graphs; "
                f"available: {', '.join(f.name for f in forms)}"
            )
        return chosen
    return best_match(accept, forms, "named graph" if graph else "resource")
