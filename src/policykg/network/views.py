"""The network as the API and graph tools take it: Cytoscape.js JSON, node-link JSON,
compact JSON (no claims: for a first drawing, the claims fetched when an edge is opened),
the claims of some edges, the catalogue of a graph (for filter lists and search), and
GraphML or GEXF (whose attributes are flat: lists become space-separated text)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TextIO

import networkx as nx

from .build import short_name
from .filters import Filters
from .flatview import flat
from .gexf import write_gexf
from .graphml import write_graphml

__all__ = [
    "GRAPH_FILES",
    "catalogue",
    "edge_claims",
    "flat",
    "to_compact",
    "to_cytoscape",
    "to_node_link",
    "write_graph_file",
]

#: Graph file formats: writer (of the network, as text) and media type.
GRAPH_FILES: dict[str, tuple[Callable[[nx.MultiDiGraph, TextIO], None], str]] = {
    "graphml": (write_graphml, "application/graphml+xml"),
    "gexf": (write_gexf, "application/gexf+xml"),
}


def _edge(u: str, v: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data["id"],
        "source": u,
        "target": v,
        **{k: w for k, w in data.items() if k != "id"},
    }


def to_cytoscape(graph: nx.MultiDiGraph, filters: Filters) -> dict[str, Any]:
    """``{"elements": {"nodes", "edges"}, "filters", "counts"}`` (Cytoscape.js elements)."""
    nodes = [{"data": dict(data)} for _, data in graph.nodes(data=True)]
    edges = [{"data": _edge(u, v, data)} for u, v, data in graph.edges(data=True)]
    return {
        "elements": {"nodes": nodes, "edges": edges},
        "filters": filters.to_json(),
        "counts": {"nodes": len(nodes), "edges": len(edges)},
    }


def _stances(data: dict[str, Any]) -> list[str]:
    return sorted({c["stance"] for c in data["claims"]})


def to_compact(graph: nx.MultiDiGraph, filters: Filters) -> dict[str, Any]:
    """The view without its claims, in arrays: a twentieth of the Cytoscape.js JSON at scale.

    ``nodes`` rows are ``[iri, label, type, labels]``; ``edges`` rows are ``[source, target,
    property, count, disputed, corrected, stances]``, source and target indexes into
    ``nodes``, property an index into ``properties`` (``{"iri", "label"}``), stances the
    distinct stances of the edge's claims. An edge's id is ``source|property|target`` (IRIs),
    as in the other formats; its claims come from :func:`edge_claims`.
    """
    order = {node: i for i, node in enumerate(graph.nodes)}
    nodes = [_node_row(d) for _, d in graph.nodes(data=True)]
    properties: dict[str, int] = {}
    labels: list[dict[str, str]] = []
    edges = []
    for u, v, data in graph.edges(data=True):
        prop = data["property"]
        if prop not in properties:
            properties[prop] = len(labels)
            labels.append({"iri": prop, "label": data["label"]})
        edges.append(
            [order[u], order[v], properties[prop], data["count"], data["disputed"],
             data["corrected"], _stances(data)]
        )  # fmt: skip
    return {
        "nodes": nodes,
        "properties": labels,
        "edges": edges,
        "filters": filters.to_json(),
        "counts": {"nodes": len(nodes), "edges": len(edges)},
    }


def edge_claims(
    graph: nx.MultiDiGraph, edges: tuple[str, ...] = (), nodes: tuple[str, ...] = ()
) -> dict[str, list[dict[str, Any]]]:
    """The claims of the view's edges with these ids and of the edges touching these nodes
    (of every edge when neither is given), by edge id, in the order of the view."""
    wanted, near = set(edges), set(nodes)
    everything = not wanted and not near
    return {
        data["id"]: data["claims"]
        for u, v, data in graph.edges(data=True)
        if everything or data["id"] in wanted or u in near or v in near
    }


def catalogue(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """What there is to filter and search by: the sources and jurisdictions the claims
    name, sorted by label, and every node as ``[iri, label, type, labels]``."""
    sources: dict[str, str] = {}
    places = {n: d["label"] for n, d in graph.nodes(data=True) if d["type"] == "jurisdiction"}
    for _, _, data in graph.edges(data=True):
        for claim in data["claims"]:
            sources.setdefault(claim["source"], claim["source_label"])
            place = claim["jurisdiction"]
            if place and place not in places:
                places[place] = short_name(place)

    def listed(names: dict[str, str]) -> list[dict[str, str]]:
        return [
            {"iri": i, "label": n} for i, n in sorted(names.items(), key=lambda x: (x[1], x[0]))
        ]

    return {
        "sources": listed(sources),
        "jurisdictions": listed(places),
        "nodes": [_node_row(d) for _, d in graph.nodes(data=True)],
    }


def _node_row(data: dict[str, Any]) -> list[Any]:
    """A node as the compact view and the catalogue list it: ``[iri, label, type, labels]``."""
    return [data["iri"], data["label"], data["type"], data["labels"]]


def to_node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """networkx's node-link data (``links``, each keyed by its edge id)."""
    data: dict[str, Any] = nx.node_link_data(graph, edges="links")
    return data


def write_graph_file(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """The network as a GraphML or GEXF document."""
    writer, _ = GRAPH_FILES[fmt]
    buffer = io.StringIO()
    writer(graph, buffer)
    return buffer.getvalue().encode("utf-8")
