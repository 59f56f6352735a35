"""Content negotiation for resources: an extension overrides ``Accept``, which has q-values.

A resource is available as an HTML page and as Turtle, N-Triples, JSON-LD and RDF/XML;
a named graph also as TriG and N-Quads, which keep its name. The first format of a list
answers ``*/*`` and a missing ``Accept``: HTML, as Wikidata's entity pages do.

>>> choose("text/turtle;q=0.9, application/ld+json", None, graph=False).name
'jsonld'
>>> choose("text/html", "turtle", graph=False).name
'turtle'
>>> choose("application/n-quads", None, graph=True).name
'nquads'
>>> choose("application/n-quads", None, graph=False)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policykg.errors.NotAcceptable: none of the accepted media types (application/n-quads) is available ...
"""

from __future__ import annotations

from policykg.errors import NotAcceptable
from policykg.formats import GRAPHS, Format, FormatList, negotiate

__all__ = ["GRAPH_DOCUMENT", "HTML", "RDF_NAMES", "RESOURCE", "choose", "extension_of"]

HTML = Format("html", "text/html", ("application/xhtml+xml",), ("htm",))
_RDF = {fmt.name: fmt for fmt in GRAPHS.formats}
_TRIPLES = ("turtle", "ntriples", "jsonld", "rdfxml")
#: The RDF formats of a resource, by name.
RDF_NAMES = _TRIPLES

RESOURCE = FormatList("resource", (HTML, *(_RDF[n] for n in _TRIPLES)))
GRAPH_DOCUMENT = FormatList(
    "named graph", (HTML, _RDF["trig"], _RDF["nquads"], *(_RDF[n] for n in _TRIPLES))
)

_EXTENSION = {"html": "html", "turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld",
              "rdfxml": "rdf", "trig": "trig", "nquads": "nq"}  # fmt: skip


def extension_of(name: str) -> str:
    """The file extension of a format name (``turtle`` → ``ttl``)."""
    return _EXTENSION[name]


def choose(accept: str | None, extension: str | None, *, graph: bool) -> Format:
    """The representation to answer with; NotAcceptable (406) when none fits."""
    formats = GRAPH_DOCUMENT if graph else RESOURCE
    if extension is not None:
        chosen = formats.by_name(extension)
        if chosen is None:
            raise NotAcceptable(
                f"{extension} is only available for named graphs; "
                f"available: {', '.join(f.name for f in formats.formats)}"
            )
        return chosen
    return negotiate(accept, formats)
