"""How is A connected to B? The shortest and the k shortest paths through claims.

Paths ignore the direction of claims (a practice links its controller and its data subjects
alike); each step says which way its claim points. Where several edges join two nodes, a
step takes the one with most claims (uncorrected first, then by edge id).
"""

from __future__ import annotations

from itertools import islice, pairwise
from typing import Any

import networkx as nx

from ..errors import BadRequest

__all__ = ["MAX_K", "find_paths"]

MAX_K = 10


def _links(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple view, each pair holding its best edge."""
    links = nx.Graph()
    links.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        rank = (data["corrected"], -data["count"], data["id"])
        held = links.get_edge_data(u, v)
        if held is None or rank < held["rank"]:
            links.add_edge(u, v, rank=rank, edge=(u, v, data))
    return links


def _step(a: str, b: str, links: nx.Graph) -> dict[str, Any]:
    u, v, data = links.edges[a, b]["edge"]
    return {
        "from": a,
        "to": b,
        "property": data["property"],
        "label": data["label"],
        "direction": "forward" if (u, v) == (a, b) else "backward",
        "claims": data["claims"],
    }


def find_paths(
    graph: nx.MultiDiGraph, start: str, end: str, k: int = 1, *, known: set[str] | None = None
) -> list[dict[str, Any]]:
    """Up to ``k`` shortest simple paths from ``start`` to ``end``, shortest first.

    ``known`` holds every node of the unfiltered graph: an IRI outside it is a 400 naming
    the parameter; one that is known but filtered out of ``graph`` has no path.
    """
    for name, iri in (("from", start), ("to", end)):
        if iri not in (known if known is not None else graph):
            raise BadRequest(f"parameter {name!r}: no node <{iri}> in the graph")
    if start not in graph or end not in graph or start == end:
        return []
    links = _links(graph)
    try:
        found = list(islice(nx.shortest_simple_paths(links, start, end), k))
    except nx.NetworkXNoPath:
        return []
    return [
        {"length": len(p) - 1, "steps": [_step(a, b, links) for a, b in pairwise(p)]} for p in found
    ]
