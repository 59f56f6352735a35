"""Answers in a negotiated representation, shared by the linked-data routers.

An RDF document is serialised with the graph's prefixes (JSON-LD compacted with the
project's context); every answer carries ``Content-Location`` (the path with the extension
of what was sent), ``Vary`` and ``Link`` headers to every alternate; an IRI the graph does
not describe is a 404 in the negotiated format (an HTML page, a comment in the Turtle
family, else JSON). Pages run no script and take styles from this server only.

>>> from policykg.linkeddata.conneg import RESOURCE
>>> href("/id/linkedin", RESOURCE[1]), href("/resource?iri=x", RESOURCE[1])
('/id/linkedin.ttl', '/resource?iri=x&format=turtle')
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pyoxigraph import Quad, Triple, serialize

from policykg.formats import GRAPHS
from policykg.linkeddata.conneg import Representation, choose
from policykg.namespaces import dump_prefixes
from policykg.sparql.results import write_graph

from .apidoc import ACCEPT, error_responses, header_param
from .jinja import render
from .service import Service

__all__ = [
    "DOC",
    "ERRORS",
    "NO_CACHE",
    "PAGE",
    "alternates",
    "headers",
    "href",
    "not_found",
    "pick",
    "serialize_as",
]

#: What ``/openapi.json`` says of every linked-data route: the headers that pick the answer,
#: and the error statuses.
DOC = {"parameters": [ACCEPT, header_param("Accept-Language", "The page's language.")]}
ERRORS = error_responses(400, 404, 406, 429, 503)
#: Headers of every linked-data answer.
NO_CACHE = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Headers of every page: no script runs, styles come from this server.
PAGE = {"Content-Security-Policy": _CSP}


def pick(request: Request, extension: str | None, *, graph: bool) -> Representation:
    """The representation: the extension's, else the best by ``Accept`` (406 if none)."""
    return choose(request.headers.get("accept"), extension, graph=graph)


def href(path: str, fmt: Representation) -> str:
    """The URL of one representation: ``path.ext``, or ``…&format=`` for ``/resource?iri=``."""
    if "?" in path:
        return f"{path}&format={fmt.name}"
    return f"{path}.{fmt.extension}"


def alternates(path: str, formats: Sequence[Representation]) -> list[dict[str, str]]:
    """The RDF alternates a page links to."""
    return [
        {"href": href(path, f), "name": f.name, "media_type": f.media_type}
        for f in formats
        if f.name != "html"
    ]


def headers(
    path: str, fmt: Representation, formats: Sequence[Representation], truncated: bool = False
) -> dict[str, str]:
    """Content-Location, Vary and Link; ``X-PolicyKG-Truncated`` as on query results."""
    links = ", ".join(f'<{href(path, f)}>; rel="alternate"; type="{f.media_type}"' for f in formats)
    return {
        **NO_CACHE,
        "Vary": "Accept, Accept-Language",
        "Content-Location": href(path, fmt),
        "Link": links,
        "X-PolicyKG-Truncated": "true" if truncated else "false",
    }


def serialize_as(
    data: Sequence[Triple] | Sequence[Quad], fmt: Representation, service: Service
) -> bytes:
    """Triples (or a graph's quads) in ``fmt``; JSON-LD compacted with the project's context."""
    if fmt.name == "jsonld":
        sink = io.BytesIO()
        triples = [q.triple if isinstance(q, Quad) else q for q in data]
        write_graph(triples, "jsonld", len(triples) + 1, sink, service.context or {})
        return sink.getvalue()
    out = serialize(
        data, format=GRAPHS.get(fmt.name).rdf, prefixes=dump_prefixes(service.settings.base_iri)
    )
    return out or b""


def not_found(fmt: Representation, iri: str, path: str) -> Response:
    """A 404 in the negotiated format."""
    message = f"this graph says nothing about <{iri}>"
    vary = {**NO_CACHE, "Vary": "Accept, Accept-Language"}
    if fmt.name == "html":
        page = render("notfound.html", iri=iri, path=path, message=message)
        return HTMLResponse(page, status_code=404, headers={**vary, **PAGE})
    if fmt.name in ("turtle", "ntriples", "trig", "nquads"):
        printable = "".join(c if c.isprintable() else "?" for c in message)  # one line
        comment = f"# 404 Not found: {printable}\n".encode()
        return Response(comment, status_code=404, media_type=fmt.content_type, headers=vary)
    body = {"error": "Not found", "message": message, "status": 404}
    return JSONResponse(body, status_code=404, headers=vary)
