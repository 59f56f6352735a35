"""Dereferenceable IRIs: every IRI the graph mints answers at its path, as HTML or RDF.

``/id/…``, ``/claim/…``, ``/source/…`` and ``/graph/…`` are the IRIs under the base IRI
(``POLICYKG_BASE_IRI``) with the base taken off; ``/ontology`` and ``/shapes`` are the
documents whose fragments are the ontology's terms and the shapes (``/ontology/{term}``
is one term); ``/resource?iri=`` is the page of any other IRI the graph describes (DPV
concepts). ``/home`` lists the sources, the main entities and the entry points.

Content negotiation answers directly (no 303): the representation is chosen by the
extension (``.html``, ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``; ``.trig`` and ``.nq`` for
named graphs), else by ``Accept`` with q-values; the answer carries ``Content-Location``
(the path with the extension of what was sent), ``Vary: Accept, Accept-Language`` and
``Link`` headers to every alternate. An IRI the graph does not describe is a 404 in the
negotiated format (an HTML page, a comment in the Turtle family, else JSON); a type that is
not offered is a 406. The data comes from the stored queries of
:mod:`policykg.linkeddata.describe`, run by the engine's workers like any query.
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from policykg.errors import ParameterError
from policykg.linkeddata import describe as queries
from policykg.linkeddata.conneg import GRAPH_DOCUMENT, RESOURCE, Representation, by_name, choose
from policykg.linkeddata.home import home_sections
from policykg.linkeddata.iris import Iris, split_extension
from policykg.linkeddata.page import build_page, pick_language, short
from policykg.linkeddata.vocabulary import Document, Vocabulary
from policykg.namespaces import dump_prefixes
from policykg.sparql.results import write_graph

from ..apidoc import ACCEPT, error_responses, get_and_head, header_param
from ..deps import ServiceDep
from ..results import endpoint_iri, query_job
from ..service import Service

__all__ = ["TEMPLATES", "router"]

#: The Jinja2 templates of the pages.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_ENV.filters["short"] = short
_ENV.filters["urlquote"] = lambda text: quote(str(text), safe="")
_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "rdfxml": RdfFormat.RDF_XML,
    "trig": RdfFormat.TRIG,
    "nquads": RdfFormat.N_QUADS,
}
_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

router = APIRouter(tags=["linked data"])
#: What every page reads besides its path: Accept (the representation) and Accept-Language.
_DOC = {"parameters": [ACCEPT, header_param("Accept-Language", "The page's language.")]}
_ERRORS = error_responses(400, 404, 406, 429, 503)


@functools.lru_cache(maxsize=8)
def _vocabulary(folder: Path, base: str) -> Vocabulary:
    return Vocabulary.load(folder, Iris(base))


def _iris(service: Service) -> Iris:
    return Iris(service.settings.base_iri)


async def _construct(
    service: Service, request: Request, text: str, iri: str | None
) -> tuple[list[Triple], bool]:
    """Run a stored CONSTRUCT through the engine with ``$iri`` bound: its triples, and whether
    the row cap (``max_rows``) cut them."""
    job = query_job(
        service,
        text,
        endpoint_iri(request),
        solutions=None,
        graph="ntriples",
        substitutions=queries.bindings(iri) if iri is not None else None,
    )
    result = await service.engine.query(job)
    body = result.whole if result.whole is not None else b"".join([c async for c in result.body])
    return await asyncio.to_thread(_parse, body), result.head.truncated


def _parse(body: bytes) -> list[Triple]:
    return list(dict.fromkeys(q.triple for q in parse(body, RdfFormat.N_TRIPLES)))


def _render(name: str, **values: Any) -> str:
    return _ENV.get_template(name).render(**values)


def _serialize(
    data: Sequence[Triple] | Sequence[Quad], fmt: Representation, service: Service
) -> bytes:
    """Triples (or a graph's quads) in ``fmt``; JSON-LD compacted with the project's context."""
    if fmt.name == "jsonld":
        sink = io.BytesIO()
        triples = [q.triple if isinstance(q, Quad) else q for q in data]
        write_graph(triples, "jsonld", len(triples) + 1, sink, service.context or {})
        return sink.getvalue()
    out = serialize(
        data, format=_FORMATS[fmt.name], prefixes=dump_prefixes(service.settings.base_iri)
    )
    return out or b""


def _href(path: str, fmt: Representation) -> str:
    """The URL of one representation: ``path.ext``, or ``…&format=`` for ``/resource?iri=``."""
    if "?" in path:
        return f"{path}&format={fmt.name}"
    return f"{path}.{fmt.extension}"


def _alternates(path: str, formats: Sequence[Representation]) -> list[dict[str, str]]:
    """The RDF alternates a page links to."""
    return [
        {"href": _href(path, f), "name": f.name, "media_type": f.media_type}
        for f in formats
        if f.name != "html"
    ]


def _headers(
    path: str, fmt: Representation, formats: Sequence[Representation], truncated: bool = False
) -> dict[str, str]:
    """Content-Location, Vary and Link; ``X-PolicyKG-Truncated`` as on query results."""
    links = ", ".join(
        f'<{_href(path, f)}>; rel="alternate"; type="{f.media_type}"' for f in formats
    )
    return {
        **_HEADERS,
        "Vary": "Accept, Accept-Language",
        "Content-Location": _href(path, fmt),
        "Link": links,
        "X-PolicyKG-Truncated": "true" if truncated else "false",
    }


def _choose(request: Request, extension: str | None, *, graph: bool) -> Representation:
    return choose(request.headers.get("accept"), extension, graph=graph)


def _not_found(fmt: Representation, iri: str, path: str) -> Response:
    """A 404 in the negotiated format."""
    message = f"this graph says nothing about <{iri}>"
    headers = {**_HEADERS, "Vary": "Accept, Accept-Language"}
    if fmt.name == "html":
        page = _render("notfound.html", iri=iri, path=path, message=message)
        return HTMLResponse(
            page, status_code=404, headers={**headers, "Content-Security-Policy": _CSP}
        )
    if fmt.name in ("turtle", "ntriples", "trig", "nquads"):
        printable = "".join(c if c.isprintable() else "?" for c in message)  # one line
        comment = f"# 404 Not found: {printable}\n".encode()
        return Response(comment, status_code=404, media_type=fmt.content_type, headers=headers)
    body = {"error": "Not found", "message": message, "status": 404}
    return JSONResponse(body, status_code=404, headers=headers)


def _query_link(text: str, iri: str) -> str:
    """The query page with the stored query, its ``$iri`` given by a VALUES clause (for reading)."""
    query = text + "VALUES $iri { " + str(NamedNode(iri)) + " }\n"
    return "/#query=" + quote(query, safe="")


#: Headers of every page: no script runs, styles come from this server.
_PAGE = {"Content-Security-Policy": _CSP}


def _resource_page(
    iri: str, triples: list[Triple], iris: Iris, language: str, path: str
) -> str | None:
    """The HTML page of a resource (page model and template, run off the event loop)."""
    page = build_page(iri, triples, iris, language)
    if page is None:
        return None
    return _render(
        "resource.html",
        page=page,
        path=path,
        alternates=_alternates(path, RESOURCE),
        query_link=_query_link(queries.RESOURCE, iri),
        triples=len(triples),
    )


async def _resource(
    request: Request, service: Service, iri: str, path: str, extension: str | None
) -> Response:
    fmt = _choose(request, extension, graph=False)
    triples, truncated = await _construct(service, request, queries.RESOURCE, iri)
    if not triples:
        return _not_found(fmt, iri, path)
    headers = _headers(path, fmt, RESOURCE, truncated)
    if fmt.name != "html":
        body = await asyncio.to_thread(_serialize, triples, fmt, service)
        return Response(body, media_type=fmt.content_type, headers=headers)
    language = pick_language(request.headers.get("accept-language"))
    text = await asyncio.to_thread(_resource_page, iri, triples, _iris(service), language, path)
    if text is None:
        return _not_found(fmt, iri, path)
    return HTMLResponse(text, headers={**headers, **_PAGE})


async def _graph(
    request: Request, service: Service, iri: str, path: str, extension: str | None
) -> Response:
    fmt = _choose(request, extension, graph=True)
    triples, truncated = await _construct(service, request, queries.GRAPH, iri)
    if not triples:
        return _not_found(fmt, iri, path)
    headers = _headers(path, fmt, GRAPH_DOCUMENT, truncated)
    if fmt.name == "html":
        text = await asyncio.to_thread(
            _render,
            "graph.html",
            iri=iri,
            subjects=_by_subject(triples, _iris(service)),
            triples=len(triples),
            path=path,
            alternates=_alternates(path, GRAPH_DOCUMENT),
            query_link=_query_link(queries.GRAPH, iri),
        )
        return HTMLResponse(text, headers={**headers, **_PAGE})
    data: Sequence[Triple] | Sequence[Quad] = triples
    if fmt.name in ("trig", "nquads"):
        data = queries.in_graph(triples, iri)
    body = await asyncio.to_thread(_serialize, data, fmt, service)
    return Response(body, media_type=fmt.content_type, headers=headers)


def _by_subject(triples: Sequence[Triple], iris: Iris) -> list[tuple[str, str, int]]:
    """The graph's IRI subjects: (page path, short name, triple count), in order."""
    counts: dict[str, int] = {}
    for t in triples:
        if isinstance(t.subject, NamedNode):
            counts[t.subject.value] = counts.get(t.subject.value, 0) + 1
    return [(iris.href(s), short(s) if not iris.is_local(s) else iris.path(s), n)
            for s, n in sorted(counts.items())]  # fmt: skip


def _is_iri(text: str) -> bool:
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


async def _minted(request: Request, service: Service, prefix: str, name: str) -> Response:
    stem, extension = split_extension(name)
    path = f"/{prefix}/{stem}"
    iri = _iris(service).iri(path)
    if not _is_iri(iri):  # a path no IRI can have (a space, "<"…): nothing in the graph
        return _not_found(_choose(request, extension, graph=prefix == "graph"), iri, path)
    if prefix == "graph":
        return await _graph(request, service, iri, path, extension)
    return await _resource(request, service, iri, path, extension)


@get_and_head(router, "/id/{name:path}", response_model=None, responses=_ERRORS, openapi_extra=_DOC)
async def entity(name: str, request: Request, service: ServiceDep) -> Response:
    """An entity (organisation, person, practice, lawsuit, regulator action…), HTML or RDF."""
    return await _minted(request, service, "id", name)


@get_and_head(
    router, "/claim/{name:path}", response_model=None, responses=_ERRORS, openapi_extra=_DOC
)
async def claim(name: str, request: Request, service: ServiceDep) -> Response:
    """A claim or a correction, with its source (and the other claims on its subject and property)."""
    return await _minted(request, service, "claim", name)


@get_and_head(
    router, "/source/{name:path}", response_model=None, responses=_ERRORS, openapi_extra=_DOC
)
async def source(name: str, request: Request, service: ServiceDep) -> Response:
    """A source article and all its claims, in paragraph order."""
    return await _minted(request, service, "source", name)


@get_and_head(
    router, "/graph/{name:path}", response_model=None, responses=_ERRORS, openapi_extra=_DOC
)
async def named_graph(name: str, request: Request, service: ServiceDep) -> Response:
    """A named graph: TriG or N-Quads keep its name; the triple formats hold its triples."""
    return await _minted(request, service, "graph", name)


@get_and_head(
    router,
    "/resource",
    response_model=None,
    responses=_ERRORS,
    openapi_extra={
        "parameters": [
            *_DOC["parameters"],
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "html, turtle, ntriples, jsonld or rdfxml; overrides Accept.",
            },
        ]
    },
)
async def any_resource(
    request: Request,
    service: ServiceDep,
    iri: str = Query(description="The absolute IRI of a resource the graph describes."),
) -> Response:
    """The page (or RDF) of any IRI the graph describes, such as a DPV jurisdiction."""
    if not _is_iri(iri) or "://" not in iri:
        raise ParameterError(f"iri: {iri!r} is not an absolute IRI")
    path = "/resource?iri=" + quote(iri, safe="")
    fmt_name = request.query_params.get("format")
    extension = None
    if fmt_name is not None:
        chosen = by_name(RESOURCE, fmt_name)
        if chosen is None:
            raise ParameterError(
                f"format: {fmt_name!r} is not one of {', '.join(f.name for f in RESOURCE)}"
            )
        extension = chosen.name
    return await _resource(request, service, iri, path, extension)


@functools.lru_cache(maxsize=256)
def _vocabulary_page(document: Document, term: str | None, path: str) -> str:
    """The page of a vocabulary document or of one term; the same every time, so kept."""
    return _render(
        "vocabulary.html",
        document=document,
        terms=[document.term(term)] if term is not None else document.terms,
        single=term is not None,
        path=path,
        alternates=_alternates(path, RESOURCE),
    )


def _vocabulary_for(service: Service) -> Vocabulary:
    return _vocabulary(service.settings.root / "ontology", service.settings.base_iri)


async def _document(
    request: Request, service: Service, which: str, name: str, term: str | None
) -> Response:
    stem, extension = split_extension(name)
    vocabulary = await asyncio.to_thread(_vocabulary_for, service)
    document: Document = getattr(vocabulary, which)
    path = f"/{which}" + (f"/{stem}" if term is not None else "")
    fmt = _choose(request, extension, graph=False)
    if term is None and stem != which:
        return _not_found(fmt, document.iri, "/" + name)
    if term is not None:
        doc = document.term(stem)
        if doc is None:
            return _not_found(fmt, f"{document.iri}#{stem}", path)
    headers = _headers(path, fmt, RESOURCE)
    if fmt.name == "html":
        text = await asyncio.to_thread(_vocabulary_page, document, stem if term else None, path)
        return HTMLResponse(text, headers={**headers, **_PAGE})
    triples = document.triples_of(stem) if term is not None else document.triples
    body = await asyncio.to_thread(_serialize, triples, fmt, service)
    return Response(body, media_type=fmt.content_type, headers=headers)


@get_and_head(router, "/ontology", response_model=None, responses=_ERRORS, openapi_extra=_DOC)
async def ontology(request: Request, service: ServiceDep) -> Response:
    """The ontology: every class and property of ``ontology/policykg.ttl``, one anchor each."""
    return await _document(request, service, "ontology", "ontology", None)


@get_and_head(router, "/ontology.{ext}", response_model=None, responses=_ERRORS, openapi_extra=_DOC)
async def ontology_file(ext: str, request: Request, service: ServiceDep) -> Response:
    return await _document(request, service, "ontology", f"ontology.{ext}", None)


@get_and_head(
    router, "/ontology/{term}", response_model=None, responses=_ERRORS, openapi_extra=_DOC
)
async def ontology_term(term: str, request: Request, service: ServiceDep) -> Response:
    """One term of the ontology (``/ontology/Claim`` for ``pkg:Claim``)."""
    return await _document(request, service, "ontology", term, term)


@get_and_head(router, "/shapes", response_model=None, responses=_ERRORS, openapi_extra=_DOC)
async def shapes(request: Request, service: ServiceDep) -> Response:
    """The SHACL shapes the build validates against (``ontology/shapes.ttl``), one anchor each."""
    return await _document(request, service, "shapes", "shapes", None)


@get_and_head(router, "/shapes.{ext}", response_model=None, responses=_ERRORS, openapi_extra=_DOC)
async def shapes_file(ext: str, request: Request, service: ServiceDep) -> Response:
    return await _document(request, service, "shapes", f"shapes.{ext}", None)


@get_and_head(router, "/shapes/{term}", response_model=None, responses=_ERRORS, openapi_extra=_DOC)
async def shape(term: str, request: Request, service: ServiceDep) -> Response:
    """One shape (``/shapes/ClaimShape``)."""
    return await _document(request, service, "shapes", term, term)


@get_and_head(router, "/home", response_class=HTMLResponse, responses=_ERRORS, openapi_extra=_DOC)
async def home(request: Request, service: ServiceDep) -> Response:
    """The home page: the sources, the main entities by kind, and the entry points."""
    triples, _ = await _construct(service, request, queries.HOME, None)
    language = pick_language(request.headers.get("accept-language"))
    text = await asyncio.to_thread(_home, triples, _iris(service), language)
    return HTMLResponse(text, headers={**_HEADERS, "Vary": "Accept-Language", **_PAGE})


def _home(triples: list[Triple], iris: Iris, language: str) -> str:
    sources, sections = home_sections(triples, iris, language)
    return _render("home.html", sources=sources, sections=sections)
