"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (indirect identification).

``?default`` names the default graph (the union of all graphs when serving the policy
graph), ``?graph=IRI`` a named graph. Reads are public; PUT, POST and DELETE need
updates enabled and the bearer token, like SPARQL Update. A body is parsed completely
before anything changes, so a bad body changes nothing; RDF/XML with a DTD or entity
declarations is refused before parsing (:mod:`policykg.engine.uploads`).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pyoxigraph import NamedNode, Variable

from policykg.engine.jobs import GraphWriteJob
from policykg.engine.uploads import check_upload
from policykg.errors import BadRequest, NotFound, UnsupportedMediaType
from policykg.formats import GRAPHS, content_type, negotiate

from ..apidoc import (
    ACCEPT,
    FORMAT,
    content,
    error_responses,
    get_and_head,
    query_param,
)
from ..deps import ServiceDep, WriterDep
from ..protocol import read_body
from ..results import endpoint_iri, run_query

__all__ = ["router"]

router = APIRouter(tags=["graph store"])

_TARGET = [
    query_param("graph", "The IRI of a named graph."),
    query_param(
        "default", "Present (with any value or none): the default graph.", {"type": "string"}
    ),
]
_BODY = {
    "required": True,
    "description": "The graph, in any RDF format (at most the body limit).",
    "content": content([f.media_type for f in GRAPHS.formats]),
}
_WRITTEN: dict[int | str, dict[str, Any]] = {
    201: {"description": "The graph was created."},
    204: {"description": "The graph existed and was changed."},
    **error_responses(400, 401, 403, 413, 415, 429, 503),
}
_NAMED = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _target(request: Request, *, required: bool = True) -> str | None:
    """The graph IRI, "" for the default graph, or None when neither is given."""
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and graphs:
        raise BadRequest("give either ?default or ?graph=IRI, not both")
    if len(graphs) > 1:
        raise BadRequest("give exactly one ?graph=IRI")
    if graphs:
        try:
            return NamedNode(graphs[0]).value
        except ValueError:
            raise BadRequest(f"?graph={graphs[0]!r} is not a valid IRI") from None
    if "default" in params:
        return ""
    if required:
        raise BadRequest("name the graph with ?default or ?graph=IRI")
    return None


@get_and_head(
    router,
    "/store",
    response_class=Response,
    responses={
        200: {"description": "The graph.", "content": _BODY["content"]},
        **error_responses(400, 404, 406, 429, 503),
    },
    openapi_extra={"parameters": [*_TARGET, FORMAT, ACCEPT]},
)
async def read_graph(request: Request, service: ServiceDep) -> Response:
    """The graph, in the negotiated RDF format; 404 if a named graph does not exist."""
    graph = _target(request)
    assert graph is not None
    fmt = negotiate(request.headers.get("accept"), GRAPHS, request.query_params.get("format"))
    if graph and not await service.engine.graph_exists(graph):
        raise NotFound(f"there is no graph <{graph}> in this store")
    if request.method == "HEAD":
        return Response(media_type=content_type(fmt))
    if graph:
        return await run_query(
            service, request, _NAMED, substitutions={Variable("g"): NamedNode(graph)},
            default_graphs=None, format_param=fmt.name,
        )  # fmt: skip
    return await run_query(service, request, _DEFAULT, format_param=fmt.name)


async def _body(request: Request, service: WriterDep) -> tuple[bytes, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = GRAPHS.by_name(media) if media else None
    if fmt is None:
        raise UnsupportedMediaType(
            f"Content-Type {media or 'none'} is not an RDF format; send one of "
            + ", ".join(f.media_type for f in GRAPHS.formats)
        )
    data = await read_body(request, service.settings.max_body_bytes)
    check_upload(data, fmt.name)
    return data, fmt.name


@router.put(
    "/store",
    response_class=Response,
    responses=_WRITTEN,
    openapi_extra={"parameters": _TARGET, "requestBody": _BODY},
)
async def put_graph(request: Request, service: WriterDep) -> Response:
    """Replace the graph's content: 201 if it was created, 204 if it existed."""
    graph = _target(request)
    data, fmt = await _body(request, service)
    existed = await service.engine.write(
        GraphWriteJob("put", graph or None, data, fmt, graph or endpoint_iri(request))
    )
    return Response(status_code=204 if existed else 201)


@router.post(
    "/store",
    response_class=Response,
    responses=_WRITTEN,
    openapi_extra={"parameters": _TARGET, "requestBody": _BODY},
)
async def post_graph(request: Request, service: WriterDep) -> Response:
    """Add to the graph; without ?graph or ?default, create a new graph (201 + Location)."""
    graph = _target(request, required=False)
    created = graph is None
    if graph is None:
        graph = endpoint_iri(request) + "/" + uuid.uuid4().hex
    data, fmt = await _body(request, service)
    existed = await service.engine.write(
        GraphWriteJob("post", graph or None, data, fmt, graph or endpoint_iri(request))
    )
    if created:
        location = str(request.url.replace(query=None)) + "?graph=" + graph
        return Response(status_code=201, headers={"Location": location})
    return Response(status_code=204 if existed else 201)


@router.delete(
    "/store",
    response_class=Response,
    responses={
        204: {"description": "The graph was removed."},
        **error_responses(400, 401, 403, 404, 429, 503),
    },
    openapi_extra={"parameters": _TARGET},
)
async def delete_graph(request: Request, service: WriterDep) -> Response:
    """Remove the graph: 204, or 404 if there was no such graph."""
    graph = _target(request)
    if not await service.engine.write(GraphWriteJob("delete", graph or None)):
        raise NotFound(f"there is no graph <{graph}> in this store")
    return Response(status_code=204)
