"""Figures: SVG, PNG and PDF files that are what their ending says."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.errors import BadRequest
from policykg.kg import PolicyGraph
from policykg.network.build import network
from policykg.network.draw import draw, layout
from policykg.network.filters import Filters

from .support import TWEAKERS

HEADERS = {".svg": b"<?xml", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


@pytest.mark.parametrize("suffix", sorted(HEADERS))
def test_figures_are_valid_files(kg: PolicyGraph, tmp_path: Path, suffix: str) -> None:
    graph = network(kg, Filters.parse([("source", TWEAKERS), ("include_corrected", "true")]))
    out = draw(graph, tmp_path / f"figure{suffix}", title="Tweakers")
    data = out.read_bytes()
    assert data.startswith(HEADERS[suffix])
    if suffix == ".svg":
        assert b"<svg" in data[:2000]
        assert data.rstrip().endswith(b"</svg>")


def test_same_graph_same_svg(kg: PolicyGraph, tmp_path: Path) -> None:
    graph = network(kg, Filters.parse([("source", TWEAKERS)]))
    first = draw(graph, tmp_path / "a.svg").read_bytes()
    assert draw(graph, tmp_path / "b.svg").read_bytes() == first


def test_layout_places_every_node_and_keeps_small_components_aside(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    import networkx as nx

    pos = layout(nx.Graph(graph.to_undirected()))
    assert set(pos) == set(graph)
    assert all(-0.01 <= x <= 1.5 for x, _ in pos.values())


def test_unknown_figure_format_is_refused(kg: PolicyGraph, tmp_path: Path) -> None:
    with pytest.raises(BadRequest, match=r"^cannot draw to 'x.gif'; use one of .svg, .png, .pdf$"):
        draw(network(kg, Filters()), tmp_path / "x.gif")
