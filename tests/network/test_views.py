"""Cytoscape.js and node-link JSON, and GraphML/GEXF exports of a filtered view that networkx
reads back with the same nodes, edges and attributes."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from policykg.graph.export import export
from policykg.kg import PolicyGraph
from policykg.network.build import network
from policykg.network.filters import Filters
from policykg.network.views import flat, to_cytoscape, to_node_link, write_graph_file

from .support import TWEAKERS

VIEW = [("source", TWEAKERS), ("include_corrected", "true"), ("as_of", "2024-10-01")]


def test_cytoscape_elements(kg: PolicyGraph) -> None:
    filters = Filters.parse(VIEW)
    graph = network(kg, filters)
    data = to_cytoscape(graph, filters)
    assert data["counts"] == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    assert data["filters"] == filters.to_json()
    edge = data["elements"]["edges"][0]["data"]
    assert edge["id"] == f"{edge['source']}|{edge['property']}|{edge['target']}"
    assert {n["data"]["id"] for n in data["elements"]["nodes"]} == set(graph)


def test_node_link_round_trips(kg: PolicyGraph) -> None:
    graph = network(kg, Filters.parse(VIEW))
    again = nx.node_link_graph(to_node_link(graph), edges="links")
    assert sorted(again.edges(keys=True)) == sorted(graph.edges(keys=True))


READERS: dict[str, Callable[[io.BytesIO], Any]] = {
    "graphml": lambda f: nx.read_graphml(f, force_multigraph=True),
    "gexf": nx.read_gexf,
}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exports_read_back_with_the_same_nodes_edges_and_attributes(
    kg: PolicyGraph, fmt: str
) -> None:
    graph = network(kg, Filters.parse(VIEW))
    assert any(
        d["corrected"] for _, _, d in graph.edges(data=True)
    )  # the view holds a corrected claim
    back = READERS[fmt](io.BytesIO(write_graph_file(graph, fmt)))
    expected = flat(graph)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    assert {n: dict(d) for n, d in back.nodes(data=True)} == {
        n: dict(d) for n, d in expected.nodes(data=True)
    }
    # GEXF readers add the file's own edge "id" attribute
    read = {
        (u, v, d["property"]): {k: w for k, w in d.items() if k != "id"}
        for u, v, d in back.edges(data=True)
    }
    want = {(u, v, d["property"]): dict(d) for u, v, d in expected.edges(data=True)}
    assert read == want


def test_export_writes_the_filtered_view(kg: PolicyGraph, tmp_path: Path) -> None:
    filters = Filters.parse(VIEW)
    path = export(kg, tmp_path / "view.gexf", filters=filters)
    back = nx.read_gexf(path)
    graph = network(kg, filters)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
