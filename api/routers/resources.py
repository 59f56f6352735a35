"""Dereferenceable IRIs: every IRI the graph mints answers at its path, as HTML or RDF.

``/id/…``, ``/claim/…``, ``/source/…`` and ``/graph/…`` are the IRIs under the base IRI
(``POLICYKG_BASE_IRI``) with the base taken off; ``/resource?iri=`` is the page of any
other IRI the graph describes (DPV concepts). The ontology's and the shapes' IRIs answer
in :mod:`.vocabulary`; ``/home`` in :mod:`.home`.

Content negotiation answers directly (no 303): the representation is chosen by the
extension (``.html``, ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``; ``.trig`` and ``.nq`` for
named graphs), else by ``Accept`` with q-values; the answer carries ``Content-Location``
(the path with the extension of what was sent), ``Vary: Accept, Accept-Language`` and
``Link`` headers to every alternate (:mod:`api.representations`). An IRI the graph does not
describe is a 404 in the negotiated format; a type that is not offered is a 406. The data comes from the stored queries of
:mod:`policykg.linkeddata.describe`, run by the engine's workers like any query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from policykg.errors import ParameterError
from policykg.linkeddata import describe as queries
from policykg.linkeddata.conneg import GRAPH_DOCUMENT, RESOURCE, Representation, by_name
from policykg.linkeddata.iris import Iris, split_extension
from policykg.linkeddata.page import build_page, pick_language, short

from ..apidoc import get_and_head
from ..deps import ServiceDep
from ..jinja import render
from ..pagecache import Rendered
from ..representations import DOC, ERRORS, PAGE, alternates, headers, not_found, pick, serialize_as
from ..results import endpoint_iri, query_job
from ..service import Service

__all__ = ["construct", "router"]

router = APIRouter(tags=["linked data"])
#: What every page reads besides its path: Accept (the representation) and Accept-Language.


def _iris(service: Service) -> Iris:
    return Iris(service.settings.base_iri)


async def construct(
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


def _query_link(text: str, iri: str) -> str:
    """The query page with the stored query, its ``$iri`` given by a VALUES clause (for reading)."""
    query = text + "VALUES $iri { " + str(NamedNode(iri)) + " }\n"
    return "/#query=" + quote(query, safe="")


def _resource_page(
    iri: str, triples: list[Triple], iris: Iris, language: str, path: str
) -> str | None:
    """The HTML page of a resource (page model and template, run off the event loop)."""
    page = build_page(iri, triples, iris, language)
    if page is None:
        return None
    return render(
        "resource.html",
        page=page,
        path=path,
        alternates=alternates(path, RESOURCE),
        query_link=_query_link(queries.RESOURCE, iri),
        triples=len(triples),
    )


async def _answer(
    request: Request, service: Service, iri: str, path: str, extension: str | None, *, graph: bool
) -> Response:
    """The resource's (or named graph's) answer in the negotiated representation, from the
    page cache when this build has made it before."""
    fmt = pick(request, extension, graph=graph)
    language = pick_language(request.headers.get("accept-language")) if fmt.name == "html" else ""
    cache = service.pages
    key = (service.engine.generation, request.headers.get("host"), path, fmt.name, language)
    rendered = cache.get(key) if cache is not None else None
    if rendered is None:
        make = _graph if graph else _resource
        rendered = await make(request, service, iri, path, fmt, language)
        if rendered is None:
            return not_found(fmt, iri, path)
        if cache is not None:
            cache.put(key, rendered)
    return Response(rendered.body, media_type=rendered.media_type, headers=dict(rendered.headers))


async def _resource(
    request: Request, service: Service, iri: str, path: str, fmt: Representation, language: str
) -> Rendered | None:
    triples, truncated = await construct(service, request, queries.RESOURCE, iri)
    if not triples:
        return None
    answer = headers(path, fmt, RESOURCE, truncated)
    if fmt.name != "html":
        body = await asyncio.to_thread(serialize_as, triples, fmt, service)
        return Rendered(body, fmt.content_type, tuple(answer.items()))
    text = await asyncio.to_thread(_resource_page, iri, triples, _iris(service), language, path)
    if text is None:
        return None
    return Rendered(text.encode(), fmt.content_type, tuple({**answer, **PAGE}.items()))


async def _graph(
    request: Request, service: Service, iri: str, path: str, fmt: Representation, language: str
) -> Rendered | None:
    triples, truncated = await construct(service, request, queries.GRAPH, iri)
    if not triples:
        return None
    answer = headers(path, fmt, GRAPH_DOCUMENT, truncated)
    if fmt.name == "html":
        text = await asyncio.to_thread(
            render,
            "graph.html",
            iri=iri,
            subjects=_by_subject(triples, _iris(service)),
            triples=len(triples),
            path=path,
            alternates=alternates(path, GRAPH_DOCUMENT),
            query_link=_query_link(queries.GRAPH, iri),
        )
        return Rendered(text.encode(), fmt.content_type, tuple({**answer, **PAGE}.items()))
    data: Sequence[Triple] | Sequence[Quad] = triples
    if fmt.name in ("trig", "nquads"):
        data = queries.in_graph(triples, iri)
    body = await asyncio.to_thread(serialize_as, data, fmt, service)
    return Rendered(body, fmt.content_type, tuple(answer.items()))


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
        return not_found(pick(request, extension, graph=prefix == "graph"), iri, path)
    return await _answer(request, service, iri, path, extension, graph=prefix == "graph")


@get_and_head(router, "/id/{name:path}", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def entity(name: str, request: Request, service: ServiceDep) -> Response:
    """An entity (organisation, person, practice, lawsuit, regulator action…), HTML or RDF."""
    return await _minted(request, service, "id", name)


@get_and_head(
    router, "/claim/{name:path}", response_model=None, responses=ERRORS, openapi_extra=DOC
)
async def claim(name: str, request: Request, service: ServiceDep) -> Response:
    """A claim or a correction, with its source (and the other claims on its subject and property)."""
    return await _minted(request, service, "claim", name)


@get_and_head(
    router, "/source/{name:path}", response_model=None, responses=ERRORS, openapi_extra=DOC
)
async def source(name: str, request: Request, service: ServiceDep) -> Response:
    """A source article and all its claims, in paragraph order."""
    return await _minted(request, service, "source", name)


@get_and_head(
    router, "/graph/{name:path}", response_model=None, responses=ERRORS, openapi_extra=DOC
)
async def named_graph(name: str, request: Request, service: ServiceDep) -> Response:
    """A named graph: TriG or N-Quads keep its name; the triple formats hold its triples."""
    return await _minted(request, service, "graph", name)


@get_and_head(
    router,
    "/resource",
    response_model=None,
    responses=ERRORS,
    openapi_extra={
        "parameters": [
            *DOC["parameters"],
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
    return await _answer(request, service, iri, path, extension, graph=False)
