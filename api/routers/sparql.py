"""``/sparql`` (query, update, service description) and ``/update``."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from rdflib.namespace import SH, VOID, XSD

from policykg.engine.jobs import UpdateJob
from policykg.errors import BadRequest, NotAcceptable
from policykg.formats import GRAPHS, content_type, negotiate, parse_accept
from policykg.linkeddata import describe
from policykg.linkeddata.describequery import described_iri
from policykg.sparql.dataset import apply_using
from policykg.sparql.safety import enforce, scan_update_async

from ..apidoc import (
    ACCEPT,
    FORMAT,
    TEXT,
    error_responses,
    query_param,
    results_content,
)
from ..deps import ServiceDep, require_writer
from ..protocol import FORM, QUERY, UPDATE, Operation, read_operation
from ..results import endpoint_iri, run_query
from ..served import served_build
from ..service import Service
from ..servicedesc import SD, service_description

__all__ = ["router"]

router = APIRouter(tags=["sparql"])
Schema = dict[str, Any]


_GRAPH_URIS: Schema = {"type": "array", "items": {"type": "string"}}
_DATASET = [
    query_param("default-graph-uri", "A graph of the query's default graph.", _GRAPH_URIS),
    query_param("named-graph-uri", "A named graph of the query's dataset.", _GRAPH_URIS),
]
_USING = [
    query_param("using-graph-uri", "An update's default graph (as USING).", _GRAPH_URIS),
    query_param("using-named-graph-uri", "An update's named graph.", _GRAPH_URIS),
]
_READ = {
    "parameters": [
        query_param("query", "The SPARQL query; without it, the service description."),
        *_DATASET,
        FORMAT,
        ACCEPT,
    ]
}
_FORM_FIELDS = ("query", "update", "default-graph-uri", "named-graph-uri", "using-graph-uri",
                "using-named-graph-uri", "format")  # fmt: skip
_WRITE = {
    "parameters": [*_DATASET, *_USING, FORMAT, ACCEPT],
    "requestBody": {
        "required": True,
        "description": "A query or update: as a form, or the text itself.",
        "content": {
            FORM: {"schema": {"type": "object", "properties": dict.fromkeys(_FORM_FIELDS, TEXT)}},
            QUERY: {"schema": TEXT},
            UPDATE: {"schema": TEXT},
        },
    },
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The results, or the service description.", "content": results_content()},
    **error_responses(400, 406, 413, 429, 503),
}
_POST_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_RESPONSES,
    204: {"description": "The update was applied."},
    **error_responses(401, 403, 415),
}


@router.get("/sparql", response_class=Response, responses=_RESPONSES, openapi_extra=_READ)
@router.head("/sparql", response_class=Response, responses=_RESPONSES, openapi_extra=_READ)
@router.post("/sparql", response_class=Response, responses=_POST_RESPONSES, openapi_extra=_WRITE)
async def sparql(request: Request, service: ServiceDep) -> Response:
    """SPARQL 1.1 Protocol: query by GET or POST, update by POST; no query: description.
    HEAD answers as GET, without the body."""
    operation = await read_operation(request, service.settings)
    if operation.kind == "query":
        return await _query(service, request, operation)
    if operation.kind == "update":
        return await _update(service, request, operation)
    if request.method == "POST":
        raise BadRequest("the request has neither a 'query' nor an 'update'")
    return await _description(service, request, operation)


@router.post(
    "/update",
    response_class=Response,
    responses={
        204: {"description": "The update was applied."},
        **error_responses(400, 401, 403, 413, 415, 429, 503),
    },
    openapi_extra={
        "parameters": _USING,
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {"type": "object", "properties": dict.fromkeys(_FORM_FIELDS, TEXT)}
                },
                UPDATE: {"schema": TEXT},
            },
        },
    },
)
async def update(request: Request, service: ServiceDep) -> Response:
    """SPARQL Update only (form ``update=`` or ``application/sparql-update``)."""
    operation = await read_operation(request, service.settings)
    if operation.kind != "update":
        raise BadRequest("/update takes an 'update'; send queries to /sparql")
    return await _update(service, request, operation)


async def _query(service: Service, request: Request, operation: Operation) -> Response:
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if operation.all(name):
            raise BadRequest(
                f"'{name}' applies to updates; queries use default-graph-uri/named-graph-uri"
            )
    defaults, named = operation.all("default-graph-uri"), operation.all("named-graph-uri")
    iri = None if defaults or named else described_iri(operation.text, endpoint_iri(request))
    if iri is not None:  # DESCRIBE <iri>: the resource's description, as at its own IRI
        return await run_query(
            service,
            request,
            describe.RESOURCE,
            substitutions=describe.bindings(iri),
            format_param=operation.one("format"),
        )
    return await run_query(
        service,
        request,
        operation.text,
        default_graphs=defaults if defaults or named else None,
        named_graphs=named if defaults or named else None,
        format_param=operation.one("format"),
        client_text=True,
    )


async def _update(service: Service, request: Request, operation: Operation) -> Response:
    require_writer(request, service)
    base = endpoint_iri(request)
    scan = await scan_update_async(operation.text, base)
    enforce(scan, service.settings.service_allowlist)
    using, named = operation.all("using-graph-uri"), operation.all("using-named-graph-uri")
    text = operation.text
    if using or named:
        if scan.own_dataset:
            raise BadRequest(
                "the request gives using-graph-uri/using-named-graph-uri and the update has "
                "its own USING or WITH clause; use one or the other"
            )
        text = apply_using(text, using, named)
    await service.engine.write(UpdateJob(text, base))
    return Response(status_code=204)


def _browser_page(request: Request) -> Response | None:
    """The query page, when a browser prefers HTML to every RDF format (and the UI exists)."""
    accept = request.headers.get("accept", "")
    html = dict(parse_accept(accept)).get("text/html", 0.0)
    try:
        rdf = GRAPHS.by_name(negotiate(accept, GRAPHS).name)
        rdf_quality = max(q for m, q in parse_accept(accept) if rdf and rdf.matches(m))
    except (NotAcceptable, ValueError):
        rdf_quality = 0.0
    if html <= rdf_quality:
        return None
    try:
        from .ui import query_page
    except ImportError:
        return None
    return query_page()


async def _description(service: Service, request: Request, operation: Operation) -> Response:
    if operation.one("format") is None and (page := _browser_page(request)) is not None:
        return page
    fmt = negotiate(request.headers.get("accept"), GRAPHS, operation.one("format"))
    endpoint = endpoint_iri(request)
    described = served_build(request.app.state).manifest is not None
    graph = service_description(
        endpoint,
        await service.engine.stats(),
        union=service.source.union,
        update=service.updatable,
        base_iri=service.settings.base_iri,
        dataset_description=str(request.base_url) + ".well-known/void" if described else None,
        prefixes=service.prefixes,
    )
    triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    prefixes = {"sd": str(SD), "void": str(VOID), "sh": str(SH), "xsd": str(XSD)}
    body = ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)
    return Response(body, media_type=content_type(fmt), headers={"Vary": "Accept"})
