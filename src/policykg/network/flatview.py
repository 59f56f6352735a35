"""The network's flat view: every attribute text, a number or a boolean, as GraphML and GEXF
hold them (lists become space-separated text)."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

__all__ = ["Attrs", "flat", "flat_edges", "flat_nodes"]

#: A node's or an edge's attributes in the flat view.
Attrs = dict[str, str | int | bool]


def flat_nodes(graph: nx.MultiDiGraph) -> Iterator[tuple[str, Attrs]]:
    """Each node with its attributes as GraphML and GEXF hold them (see :func:`flat`)."""
    for node, data in graph.nodes(data=True):
        attrs: Attrs = {"label": data["label"], "type": data["type"], "iri": data["iri"]}
        attrs.update({f"label_{lang}": text for lang, text in data["labels"].items()})
        yield node, attrs


def flat_edges(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, Attrs]]:
    """Each edge (source, target, key) with its attributes as GraphML and GEXF hold them."""
    for u, v, key, data in graph.edges(keys=True, data=True):
        claims = data["claims"]
        yield (
            u,
            v,
            key,
            {
                "property": data["property"],
                "label": data["label"],
                "count": data["count"],
                "disputed": data["disputed"],
                "corrected": data["corrected"],
                "claims": " ".join(c["iri"] for c in claims),
                "sources": " ".join(sorted({c["source"] for c in claims})),
                "stances": " ".join(sorted({c["stance"] for c in claims})),
            },
        )


def flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all text, numbers or booleans (as GraphML and GEXF hold them).

    Nodes keep ``label``, ``type`` and ``iri`` and one ``label_<lang>`` per language; edges
    keep ``property``, ``label``, ``count``, ``disputed``, ``corrected`` and, space-separated,
    their ``claims``, ``sources`` and ``stances``.
    """
    out = nx.MultiDiGraph()
    out.add_nodes_from(flat_nodes(graph))
    for u, v, key, attrs in flat_edges(graph):
        out.add_edge(u, v, key=key, **attrs)
    return out
