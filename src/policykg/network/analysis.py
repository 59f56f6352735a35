"""What the network's shape says: centrality, connected components, per-source subgraphs.

Both centralities are computed on the undirected simple view (one link per pair of entities
that any claim joins, whatever its direction and however many sources back it), normalised
to 0..1:

- *degree centrality*: the share of the other entities a node is linked to. On the seed graph
  the two LinkedIn practices (2025 and 2024) and LinkedIn itself come first: the articles say
  most about them.
- *betweenness centrality*: the share of shortest paths between two other entities that pass
  through a node, i.e. how much it brokers between otherwise separate parts of the story. The
  same three lead, then the EU (where the LinkedIn, Meta and X practices meet).
- *connected components*: groups of entities that claims join at all. A small component apart
  is a story no claim ties to the rest, e.g. a byline (Arnoud Wokke works for Tweakers).
- *per-source subgraphs*: the entities and edges one article backs ("what does this article
  say"), as sizes in ``stats`` and as a graph from :func:`source_subgraph`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

__all__ = ["TOP", "centrality", "components", "per_source", "source_subgraph", "stats"]

TOP = 20


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


def _ranked(graph: nx.MultiDiGraph, values: dict[str, float], top: int) -> list[dict[str, Any]]:
    order = sorted(values, key=lambda n: (-values[n], n))[:top]
    return [
        {"iri": n, "label": graph.nodes[n]["label"], "value": round(values[n], 6)} for n in order
    ]


def centrality(graph: nx.MultiDiGraph, top: int = TOP) -> dict[str, list[dict[str, Any]]]:
    """The ``top`` nodes by degree and by betweenness centrality (normalised, 0 to 1)."""
    simple = _simple(graph)
    return {
        "degree": _ranked(graph, nx.degree_centrality(simple) if len(simple) > 1 else {}, top),
        "betweenness": _ranked(graph, nx.betweenness_centrality(simple), top),
    }


def components(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Connected components (ignoring direction), largest first, each a sorted IRI list."""
    groups = [sorted(c) for c in nx.connected_components(_simple(graph))]
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def per_source(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """For each source, the subgraph of its claims: how many nodes and edges it holds."""
    edges: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    labels: dict[str, str] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        for claim in data["claims"]:
            edges[claim["source"]].add((u, v, key))
            labels[claim["source"]] = claim["source_label"]
    return [
        {
            "iri": source,
            "label": labels[source],
            "nodes": len({n for u, v, _ in edges[source] for n in (u, v)}),
            "edges": len(edges[source]),
        }
        for source in sorted(edges)
    ]


def source_subgraph(graph: nx.MultiDiGraph, source: str) -> nx.MultiDiGraph:
    """The edges one source backs, with their endpoints."""
    keep = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True)
            if any(c["source"] == source for c in d["claims"])]  # fmt: skip
    sub: nx.MultiDiGraph = graph.edge_subgraph(keep).copy()
    return sub


def stats(graph: nx.MultiDiGraph, top: int = TOP) -> dict[str, Any]:
    """Counts, components, top centralities and per-source subgraph sizes."""
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "components": components(graph),
        **centrality(graph, top),
        "sources": per_source(graph),
    }
