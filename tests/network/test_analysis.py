"""Centrality, components and per-source subgraphs, checked against networkx and SPARQL."""

from __future__ import annotations

import networkx as nx

from policykg.kg import PolicyGraph
from policykg.network.analysis import centrality, components, per_source, source_subgraph, stats
from policykg.network.build import network
from policykg.network.filters import Filters

from .support import ID, SRC, TWEAKERS, nodes_of, view_edges


def test_components_cover_every_node_once_largest_first(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    groups = components(graph)
    assert sorted(n for g in groups for n in g) == sorted(graph)
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    tweakers = next(g for g in groups if ID + "tweakers" in g)
    assert tweakers == [ID + "arnoud-wokke", ID + "tweakers"]  # only the byline links them


def test_centrality_ranks_the_practices_first(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    ranked = centrality(graph, top=3)
    simple = nx.Graph(graph.to_undirected())
    degree = nx.degree_centrality(simple)
    assert [r["iri"] for r in ranked["degree"]] == sorted(degree, key=lambda n: (-degree[n], n))[:3]
    assert {r["iri"] for r in ranked["degree"][:2]} == {
        ID + "linkedin-genai-training",
        ID + "linkedin-genai-training-eu",
    }
    assert ranked["betweenness"][0]["value"] <= 1.0


def test_per_source_subgraphs_match_the_sources_claims(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    rows = {r["iri"]: r for r in per_source(graph)}
    expected = view_edges(kg, source=SRC + TWEAKERS)
    assert rows[SRC + TWEAKERS]["edges"] == len(expected)
    assert rows[SRC + TWEAKERS]["nodes"] == len(nodes_of(expected))
    sub = source_subgraph(graph, SRC + TWEAKERS)
    assert {(u, d["property"], v) for u, v, d in sub.edges(data=True)} == expected


def test_stats_bundle(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    result = stats(graph)
    assert (result["nodes"], result["edges"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert len(result["degree"]) == 20
    assert len(result["betweenness"]) == 20
