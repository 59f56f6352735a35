"""The one table of formats: ``format=`` names and aliases over pyoxigraph's own
``RdfFormat`` and ``QueryResultsFormat`` (which carry the media type, file extension and
IRI), and content negotiation.

SELECT and ASK results ("solutions") and RDF graphs and datasets ("graphs") each have
their own list; the first entry of a list is the default for ``*/*``.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTIONS).name
'xml'
>>> negotiate("text/*", GRAPHS).name
'turtle'
>>> negotiate(None, GRAPHS, format_param="jsonld").media_type
'application/ld+json'
>>> GRAPHS.for_path("facts.TTL").rdf.name
'Turtle'
>>> negotiate("image/png", SOLUTIONS)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policykg.errors.NotAcceptable: none of the accepted media types (image/png) is available ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol, TypeVar

import pyoxigraph as ox

from policykg.errors import NotAcceptable

__all__ = [
    "GRAPHS",
    "SOLUTIONS",
    "Format",
    "FormatList",
    "Negotiable",
    "best_match",
    "content_type",
    "negotiate",
    "parse_accept",
    "shorten",
]


class Negotiable(Protocol):
    """Anything content negotiation can choose: a format here, or a resource's
    representation (:mod:`policykg.linkeddata.conneg`, where HTML is one more)."""

    @property
    def media_type(self) -> str: ...

    def matches(self, media_type: str) -> bool: ...


_N = TypeVar("_N", bound=Negotiable)


@dataclass(frozen=True)
class Format:
    """One serialisation: its ``format=`` name, pyoxigraph's format, and the other media
    types, names and file extensions accepted for it."""

    name: str
    syntax: ox.RdfFormat | ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        return self.syntax.media_type.split(";")[0]

    @property
    def extension(self) -> str:
        return self.syntax.file_extension

    @property
    def rdf(self) -> ox.RdfFormat:
        """pyoxigraph's RDF format (only for entries of :data:`GRAPHS`)."""
        assert isinstance(self.syntax, ox.RdfFormat), self.name
        return self.syntax

    @property
    def results(self) -> ox.QueryResultsFormat:
        """pyoxigraph's results format (only for entries of :data:`SOLUTIONS`)."""
        assert isinstance(self.syntax, ox.QueryResultsFormat), self.name
        return self.syntax

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


@dataclass(frozen=True)
class FormatList:
    """The formats for one kind of result, in server preference order."""

    label: str
    formats: tuple[Format, ...]

    def by_name(self, name: str) -> Format | None:
        """The format with this name, alias name or media type, if any."""
        wanted = name.strip().lower()
        for fmt in self.formats:
            if wanted in (fmt.name, *fmt.names) or fmt.matches(wanted):
                return fmt
        return None

    def get(self, name: str) -> Format:
        """The format with this ``name`` (as chosen by :func:`negotiate`)."""
        fmt = self.by_name(name)
        if fmt is None:
            raise LookupError(f"no {self.label} format named {name!r}")
        return fmt

    def for_path(self, path: str | PurePath) -> Format | None:
        """The format of a file, from its extension (case-insensitive), if known."""
        suffix = PurePath(path).suffix.lower().lstrip(".")
        for fmt in self.formats:
            if suffix in (fmt.extension, *fmt.extensions):
                return fmt
        return None


_R, _Q = ox.RdfFormat, ox.QueryResultsFormat

SOLUTIONS = FormatList(
    "SELECT/ASK",
    (
        Format("json", _Q.JSON, ("application/json",), ("srj",)),
        Format("xml", _Q.XML, ("application/xml", "text/xml"), ("srx",)),
        Format("csv", _Q.CSV),
        Format("tsv", _Q.TSV),
    ),
)

GRAPHS = FormatList(
    "CONSTRUCT/DESCRIBE",
    (
        # text/n3: N3 clients (SPARQLWrapper) read Turtle, which is N3 without its extensions
        Format(
            "turtle", _R.TURTLE, ("application/x-turtle", "text/n3"), ("ttl", "n3"), ("turtle",)
        ),
        Format("ntriples", _R.N_TRIPLES, (), ("nt", "n-triples")),
        Format("nquads", _R.N_QUADS, (), ("nq", "n-quads")),
        Format("trig", _R.TRIG),
        Format(
            "jsonld",
            _R.JSON_LD,
            ("application/json", "application/x-json+ld"),
            ("json-ld", "json"),
            ("json",),
        ),
        Format(
            "rdfxml", _R.RDF_XML, ("application/xml", "text/xml"), ("rdf", "xml"), ("owl", "xml")
        ),
    ),
)

_TEXTUAL = ("text/", "application/sparql-results", "application/n-", "application/trig")


def content_type(fmt: Negotiable) -> str:
    """The Content-Type header value: UTF-8 is stated for every textual format.

    >>> content_type(SOLUTIONS.formats[2])
    'text/csv; charset=utf-8'
    """
    if fmt.media_type.startswith(_TEXTUAL):
        return fmt.media_type + "; charset=utf-8"
    return fmt.media_type


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges with their q-values, in header order; malformed q-values count as 0.

    >>> parse_accept("text/html, application/json;q=0.9, */*;q=0.1")
    [('text/html', 1.0), ('application/json', 0.9), ('*/*', 0.1)]
    """
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(fmt: Negotiable, ranges: list[tuple[str, float]]) -> float:
    """The q-value of the most specific range matching ``fmt`` (RFC 9110 precedence)."""
    best: tuple[int, float] = (-1, 0.0)
    for media, quality in ranges:
        if fmt.matches(media):
            specificity = 2
        elif media.endswith("/*") and fmt.media_type.startswith(media[:-1]):
            specificity = 1
        elif media == "*/*" or media == "*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1]


def shorten(text: str, limit: int = 100) -> str:
    """``text`` cut to ``limit`` characters (with "…"): input echoed in an error message.

    >>> shorten("x" * 200)[-3:], len(shorten("x" * 200))
    ('xx…', 101)
    """
    return text if len(text) <= limit else text[:limit] + "…"


def negotiate(accept: str | None, formats: FormatList, format_param: str | None = None) -> Format:
    """Pick the format for a response; ``format=`` wins over the Accept header.

    ``format=`` is a name, alias or media type, or a comma-separated list of them (as
    SPARQLWrapper sends): the first available one wins.

    >>> negotiate(None, GRAPHS, "application/ld+json,application/x-json+ld").name
    'jsonld'
    >>> negotiate(None, SOLUTIONS, "text/n3, json").name
    'json'
    """
    if format_param:
        names = (part.split(";")[0] for part in format_param.split(","))
        chosen = next((f for n in names if n.strip() and (f := formats.by_name(n))), None)
        if chosen is None:
            raise NotAcceptable(
                f"format {shorten(format_param)!r} is not available for {formats.label} results; "
                f"available: {', '.join(f.name for f in formats.formats)}"
            )
        return chosen
    return best_match(accept, formats.formats, formats.label)


def best_match(accept: str | None, offers: Sequence[_N], label: str) -> _N:
    """The offer ``Accept`` prefers: the most specific matching range gives each offer its
    q-value (RFC 9110 12.5.1), a tie goes to the earlier offer, and no header (or a blank
    one) takes the first. NotAcceptable (406) names what was asked, cut short.

    >>> best_match("text/*;q=0.5, application/n-triples", GRAPHS.formats, "graph").name
    'ntriples'
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    quality, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if quality <= 0:
        wanted = shorten(", ".join(media for media, _ in ranges) or accept.strip())
        raise NotAcceptable(
            f"none of the accepted media types ({wanted}) is available for "
            f"{label} results; available: {', '.join(o.media_type for o in offers)}"
        )
    return best
