"""``/network``, ``/network/claims``, ``/network/catalogue``, ``/network/paths``,
``/network/stats`` and ``/timeline.json``.

The claims network, filtered (see :mod:`policykg.network`), as Cytoscape.js, node-link or
compact JSON, GraphML or GEXF; the claims of some of its edges; what there is to filter by;
paths between two entities; centrality and components; the timeline.
Its stored queries run on the query workers like any other; the network is then built in a
thread, and kept per data generation and filters in a small cache.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx
from fastapi import APIRouter, Request, Response

from policykg.errors import BadRequest
from policykg.network.analysis import stats
from policykg.network.build import build_network
from policykg.network.filters import FILTER_NAMES, Filters, bad, integer, single
from policykg.network.iris import expand
from policykg.network.paths import MAX_K, find_paths
from policykg.network.rows import (
    Record,
    RowCapExceeded,
    Substitutions,
    fetch_async,
    records_from_json,
)
from policykg.network.timeline import build_timeline, fetch_timeline_async
from policykg.network.views import (
    GRAPH_FILES,
    catalogue,
    edge_claims,
    to_compact,
    to_cytoscape,
    to_node_link,
    write_graph_file,
)

from ..apidoc import content, error_responses, query_param
from ..deps import ServiceDep
from ..results import query_job
from ..service import Service

__all__ = ["CACHE_SIZE", "router"]

router = APIRouter(tags=["network"])

#: Networks (and timelines) kept, per store, data generation and filters.
CACHE_SIZE = 64
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_FORMATS = ("cytoscape", "node-link", "compact", *GRAPH_FILES)
_MANY = {"type": "array", "items": {"type": "string"}}
#: The filters every view takes (read by Filters.parse; declared for /openapi.json).
_FILTERS = [
    query_param(
        "as_of", "Claims holding on that day (YYYY-MM-DD).", {"type": "string", "format": "date"}
    ),
    query_param("source", "Claims of these sources (seed id or IRI).", _MANY),
    query_param("type", "Nodes of these types.", _MANY),
    query_param("jurisdiction", "Claims with that dct:spatial (loc:US), and those with none."),
    query_param("stance", "Claims with these stances.", _MANY),
    query_param("include_corrected", "Corrected claims too.", {"type": "boolean"}),
    query_param("focus", "The neighbourhood of this node (IRI or curie)."),
    query_param(
        "depth", "Hops from focus (1..5).", {"type": "integer", "minimum": 1, "maximum": 5}
    ),
]
_JSON = {"content": content(["application/json"], {"type": "object"})}
_ERRORS = error_responses(400, 429, 503)


def _select(service: Service) -> Callable[[str, Substitutions], Any]:
    async def select(text: str, substitutions: Substitutions) -> list[Record]:
        job = query_job(
            service, text, service.settings.base_iri, solutions="json", graph=None,
            substitutions=substitutions,
        )  # fmt: skip
        result = await service.engine.query(job)
        body = (
            result.whole if result.whole is not None else b"".join([c async for c in result.body])
        )
        if result.head.truncated:
            raise RowCapExceeded(
                f"the network needs more than {service.settings.max_rows} rows; "
                "raise POLICYKG_MAX_ROWS or narrow the filters"
            )
        return await asyncio.to_thread(records_from_json, body)

    return select


async def _cached(service: Service, key: tuple[Hashable, ...], make: Callable[[], Any]) -> Any:
    full = (service.location, service.engine.generation, *key)
    if full in _cache:
        _cache.move_to_end(full)
        return _cache[full]
    value = await make()
    _cache[full] = value
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return value


async def _network(service: Service, filters: Filters) -> nx.MultiDiGraph:
    async def make() -> nx.MultiDiGraph:
        rows = await fetch_async(_select(service), filters)
        return await asyncio.to_thread(build_network, rows, filters)

    graph: nx.MultiDiGraph = await _cached(service, ("network", filters), make)
    return graph


def _split(
    request: Request, own: tuple[str, ...]
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """This endpoint's own parameters, and the rest (the filters)."""
    mine: dict[str, list[str]] = {}
    rest = []
    for name, value in request.query_params.multi_items():
        if name in own:
            mine.setdefault(name, []).append(value)
        elif name in FILTER_NAMES:
            rest.append((name, value))
        else:
            takes = ", ".join((*own, *FILTER_NAMES))
            raise BadRequest(f"unknown parameter {name!r}; {request.url.path} takes: {takes}")
    return mine, rest


async def _json(value: Callable[[], Any]) -> Response:
    body = await asyncio.to_thread(lambda: json.dumps(value(), ensure_ascii=False).encode())
    return Response(body, media_type="application/json")


@router.get(
    "/network",
    response_class=Response,
    responses={
        200: {
            "description": "The network.",
            "content": content(["application/json", *(media for _, media in GRAPH_FILES.values())]),
        },
        **_ERRORS,
    },
    openapi_extra={
        "parameters": [
            query_param("format", "The view's format.", {"type": "string", "enum": list(_FORMATS)}),
            *_FILTERS,
        ]
    },
)
async def network(request: Request, service: ServiceDep) -> Response:
    """The filtered claims network (format=cytoscape, node-link, compact, graphml or gexf)."""
    own, rest = _split(request, ("format",))
    fmt = single("format", own["format"]) if "format" in own else "cytoscape"
    if fmt not in _FORMATS:
        raise bad("format", f"expected one of {', '.join(_FORMATS)}")
    filters = Filters.parse(rest, service.settings.base_iri)
    graph = await _network(service, filters)
    if fmt in GRAPH_FILES:
        body = await asyncio.to_thread(write_graph_file, graph, fmt)
        disposition = f'attachment; filename="policykg-network.{fmt}"'
        return Response(
            body, media_type=GRAPH_FILES[fmt][1], headers={"Content-Disposition": disposition}
        )
    if fmt == "node-link":
        return await _json(lambda: to_node_link(graph))
    if fmt == "compact":
        return await _json(lambda: to_compact(graph, filters))
    return await _json(lambda: to_cytoscape(graph, filters))


@router.get(
    "/network/claims",
    response_class=Response,
    responses={200: {"description": "The claims, by edge id.", **_JSON}, **_ERRORS},
    openapi_extra={
        "parameters": [
            query_param("edge", "Edges of the view, by id (subject|property|object).", _MANY),
            query_param("node", "The edges of the view touching these nodes (IRIs).", _MANY),
            *_FILTERS,
        ]
    },
)
async def network_claims(request: Request, service: ServiceDep) -> Response:
    """The claims of some edges of the filtered network (every edge when none is named)."""
    own, rest = _split(request, ("edge", "node"))
    filters = Filters.parse(rest, service.settings.base_iri)
    graph = await _network(service, filters)
    edges = tuple(own.get("edge", []))
    known = {key for _, _, key in graph.edges(keys=True)}
    for edge in edges:
        if edge not in known:
            raise bad("edge", f"no edge {edge[:100]!r} in this view")
    nodes = []
    for raw in own.get("node", []):
        node = expand(raw, service.settings.base_iri)
        if node is None:
            raise bad("node", "expected an IRI or a curie like id:linkedin")
        if node not in graph:
            raise bad("node", f"no node <{node[:100]}> in this view")
        nodes.append(node)
    return await _json(lambda: {"edges": edge_claims(graph, edges, tuple(nodes))})


@router.get(
    "/network/catalogue",
    response_class=Response,
    responses={200: {"description": "The catalogue.", **_JSON}, **_ERRORS},
)
async def network_catalogue(request: Request, service: ServiceDep) -> Response:
    """The sources and jurisdictions to filter by and every node to search, corrected
    claims included: the explorer's lists, without the whole graph."""
    for name, _ in request.query_params.multi_items():
        raise BadRequest(f"unknown parameter {name[:100]!r}; /network/catalogue takes none")
    graph = await _network(service, Filters(include_corrected=True))

    async def make() -> dict[str, Any]:
        return await asyncio.to_thread(catalogue, graph)

    result = await _cached(service, ("catalogue",), make)
    return await _json(lambda: result)


def _endpoint(own: dict[str, list[str]], name: str, base: str) -> str:
    if name not in own:
        raise bad(name, "required: an IRI or a curie like id:openai")
    iri = expand(single(name, own[name]), base)
    if iri is None:
        raise bad(name, "expected an IRI or a curie like id:openai")
    return iri


@router.get(
    "/network/paths",
    response_class=Response,
    responses={200: {"description": "The paths.", **_JSON}, **_ERRORS},
    openapi_extra={
        "parameters": [
            query_param("from", "An entity (IRI or curie like id:openai).", required=True),
            query_param("to", "An entity (IRI or curie).", required=True),
            query_param(
                "k", "How many paths (1..10).", {"type": "integer", "minimum": 1, "maximum": MAX_K}
            ),
            *_FILTERS,
        ]
    },
)
async def paths(request: Request, service: ServiceDep) -> Response:
    """The k shortest paths between two entities (from, to, k=1..10) in the filtered network."""
    own, rest = _split(request, ("from", "to", "k"))
    base = service.settings.base_iri
    start, end = _endpoint(own, "from", base), _endpoint(own, "to", base)
    k = integer("k", single("k", own["k"]), 1, MAX_K) if "k" in own else 1
    filters = Filters.parse(rest, base)
    graph = await _network(service, filters)
    everything = await _network(service, Filters(include_corrected=True))
    found = await asyncio.to_thread(find_paths, graph, start, end, k, known=set(everything))
    return await _json(lambda: {"paths": found})


@router.get(
    "/network/stats",
    response_class=Response,
    responses={200: {"description": "The statistics.", **_JSON}, **_ERRORS},
    openapi_extra={"parameters": _FILTERS},
)
async def network_stats(request: Request, service: ServiceDep) -> Response:
    """Counts, connected components, top-20 degree and betweenness, per-source subgraphs."""
    _, rest = _split(request, ())
    filters = Filters.parse(rest, service.settings.base_iri)
    graph = await _network(service, filters)

    async def make() -> dict[str, Any]:
        return await asyncio.to_thread(stats, graph)

    result = await _cached(service, ("stats", filters), make)
    return await _json(lambda: result)


@router.get(
    "/timeline.json",
    response_class=Response,
    responses={200: {"description": "The timeline.", **_JSON}, **_ERRORS},
)
async def timeline(request: Request, service: ServiceDep) -> Response:
    """Dated events, periods and undated events, with their claims and sources."""
    for name, _ in request.query_params.multi_items():
        raise BadRequest(f"unknown parameter {name!r}; /timeline.json takes none")

    async def make() -> dict[str, Any]:
        rows = await fetch_timeline_async(_select(service))
        return await asyncio.to_thread(build_timeline, rows)

    result = await _cached(service, ("timeline",), make)
    return await _json(lambda: result)
