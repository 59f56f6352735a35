"""Result formats: media types, ``format=`` names and content negotiation.

SELECT and ASK results ("solutions") and CONSTRUCT/DESCRIBE results ("graphs") each
have their own list; the first entry of a list is the default for ``*/*``.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTIONS).name
'xml'
>>> negotiate("text/*", GRAPHS).name
'turtle'
>>> negotiate(None, GRAPHS, format_param="jsonld").media_type
'application/ld+json'
>>> negotiate("image/png", SOLUTIONS)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policykg.errors.NotAcceptable: none of the accepted media types (image/png) is available ...
"""

from __future__ import annotations

from dataclasses import dataclass

from policykg.errors import NotAcceptable

__all__ = [
    "GRAPHS",
    "SOLUTIONS",
    "Format",
    "FormatList",
    "content_type",
    "negotiate",
    "parse_accept",
]


@dataclass(frozen=True)
class Format:
    """One serialisation: its ``format=`` name, media type and accepted aliases."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


@dataclass(frozen=True)
class FormatList:
    """The formats for one kind of result, in server preference order."""

    label: str
    formats: tuple[Format, ...]

    def by_name(self, name: str) -> Format | None:
        wanted = name.strip().lower()
        for fmt in self.formats:
            if wanted in (fmt.name, *fmt.names) or fmt.matches(wanted):
                return fmt
        return None


SOLUTIONS = FormatList(
    "SELECT/ASK",
    (
        Format("json", "application/sparql-results+json", ("application/json",), ("srj",)),
        Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("srx",)),
        Format("csv", "text/csv"),
        Format("tsv", "text/tab-separated-values"),
    ),
)

GRAPHS = FormatList(
    "CONSTRUCT/DESCRIBE",
    (
        Format("turtle", "text/turtle", ("application/x-turtle",), ("ttl",)),
        Format("ntriples", "application/n-triples", (), ("nt", "n-triples")),
        Format("nquads", "application/n-quads", (), ("nq", "n-quads")),
        Format("trig", "application/trig"),
        Format("jsonld", "application/ld+json", ("application/json",), ("json-ld", "json")),
        Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("rdf", "xml")),
    ),
)

_TEXTUAL = ("text/", "application/sparql-results", "application/n-", "application/trig")


def content_type(fmt: Format) -> str:
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


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> float:
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


def negotiate(accept: str | None, formats: FormatList, format_param: str | None = None) -> Format:
    """Pick the format for a response; ``format=`` wins over the Accept header."""
    available = ", ".join(f.media_type for f in formats.formats)
    if format_param:
        chosen = formats.by_name(format_param)
        if chosen is None:
            raise NotAcceptable(
                f"format {format_param!r} is not available for {formats.label} results; "
                f"available: {', '.join(f.name for f in formats.formats)}"
            )
        return chosen
    if not accept or not accept.strip():
        return formats.formats[0]
    ranges = parse_accept(accept)
    scored = [(_quality(fmt, ranges), -i, fmt) for i, fmt in enumerate(formats.formats)]
    quality, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if quality <= 0:
        wanted = ", ".join(media for media, _ in ranges) or accept.strip()
        raise NotAcceptable(
            f"none of the accepted media types ({wanted}) is available for "
            f"{formats.label} results; available: {available}"
        )
    return best
