"""The network as the API and graph tools take it: Cytoscape.js JSON, node-link JSON,
and GraphML or GEXF (whose attributes are flat: lists become space-separated text)."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from .filters import Filters

__all__ = ["GRAPH_FILES", "flat", "to_cytoscape", "to_node_link", "write_graph_file"]

#: Graph file formats: writer and media type.
GRAPH_FILES = {
    "graphml": (nx.write_graphml, "application/graphml+xml"),
    "gexf": (nx.write_gexf, "application/gexf+xml"),
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


def to_node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """networkx's node-link data (``links``, each keyed by its edge id)."""
    data: dict[str, Any] = nx.node_link_data(graph, edges="links")
    return data


def flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all text, numbers or booleans (for GraphML and GEXF).

    Nodes keep ``label``, ``type`` and ``iri`` and one ``label_<lang>`` per language; edges
    keep ``property``, ``label``, ``count``, ``disputed``, ``corrected`` and, space-separated,
    their ``claims``, ``sources`` and ``stances``.
    """
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {"label": data["label"], "type": data["type"], "iri": data["iri"]}
        attrs.update({f"label_{lang}": text for lang, text in data["labels"].items()})
        out.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        claims = data["claims"]
        out.add_edge(
            u,
            v,
            key=key,
            property=data["property"],
            label=data["label"],
            count=data["count"],
            disputed=data["disputed"],
            corrected=data["corrected"],
            claims=" ".join(c["iri"] for c in claims),
            sources=" ".join(sorted({c["source"] for c in claims})),
            stances=" ".join(sorted({c["stance"] for c in claims})),
        )
    return out


def write_graph_file(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """The network as a GraphML or GEXF document."""
    writer, _ = GRAPH_FILES[fmt]
    buffer = io.BytesIO()
    writer(flat(graph), buffer)
    return buffer.getvalue()
