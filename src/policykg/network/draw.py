"""Static figures of the network for papers and articles (matplotlib; SVG, PNG or PDF).

Nodes are coloured by type (with a legend) and sized by degree; an edge is drawn once per
(subject, property, object), dashed when all its claims were corrected and orange when
sources disagree on it. The layout is a seeded force layout, so a figure is reproducible.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import networkx as nx

from ..errors import BadRequest
from .filters import NODE_TYPES

__all__ = ["COLOURS", "FIGURE_FORMATS", "draw", "layout"]

FIGURE_FORMATS = (".svg", ".png", ".pdf")
#: One colour per node type (colour-blind-safe where it counts: Okabe-Ito first).
COLOURS = dict(
    zip(
        NODE_TYPES,
        (
            "#0072B2",
            "#E69F00",
            "#D55E00",
            "#009E73",
            "#CC79A7",
            "#56B4E9",
            "#8C564B",
            "#F0E442",
            "#7F7F7F",
            "#17BECF",
            "#9467BD",
            "#BCBD22",
            "#C7C7C7",
        ),
        strict=True,
    )
)
_DISPUTED = "#E69F00"


def _label(text: str) -> str:
    return "\n".join(textwrap.wrap(text, 22, max_lines=2, placeholder=" …"))


def layout(simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """A seeded force layout of the largest component in the unit square, and the smaller
    components stacked in a column to its right (so no story drifts off the page)."""
    pos: dict[str, tuple[float, float]] = {}
    parts = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    slot = 0.0
    for index, part in enumerate(parts):
        sub = simple.subgraph(part)
        spread = 1.0 if index == 0 else min(0.25, 0.06 * len(part) ** 0.5)
        local = nx.spring_layout(sub, seed=7, k=1.6 / max(len(part), 1) ** 0.5, iterations=500)
        xs = [p[0] for p in local.values()] or [0.0]
        ys = [p[1] for p in local.values()] or [0.0]
        width, height = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        for node, (x, y) in local.items():
            u, v = (x - min(xs)) / width, (y - min(ys)) / height
            if index == 0:
                pos[node] = (u, v)
            else:
                pos[node] = (1.12 + spread * u, 1.0 - slot - spread * v)
        if index:
            slot += spread + 0.1
    return pos


def draw(graph: nx.MultiDiGraph, out: Path, *, title: str | None = None) -> Path:
    """Render ``graph`` to ``out`` (its ending picks SVG, PNG or PDF); return the path."""
    suffix = out.suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise BadRequest(f"cannot draw to {out.name!r}; use one of {', '.join(FIGURE_FORMATS)}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    plt.rcParams["svg.hashsalt"] = "policykg"  # stable ids: the same graph, the same SVG
    simple = nx.Graph(graph.to_undirected())
    pos = layout(simple)
    figure, axes = plt.subplots(figsize=(16, 11), dpi=150)
    axes.set_axis_off()
    edges = list(graph.edges(data=True))
    for style, chosen in (
        ("solid", [e for e in edges if not e[2]["corrected"] and not e[2]["disputed"]]),
        ("solid", [e for e in edges if e[2]["disputed"] and not e[2]["corrected"]]),
        ("dashed", [e for e in edges if e[2]["corrected"]]),
    ):
        if not chosen:
            continue
        colour = (
            _DISPUTED if chosen[0][2]["disputed"] and not chosen[0][2]["corrected"] else "#9A9A9A"
        )
        nx.draw_networkx_edges(
            graph, pos, edgelist=[(u, v) for u, v, _ in chosen], ax=axes, style=style,
            edge_color=colour, width=[0.6 + 0.5 * d["count"] for _, _, d in chosen],
            arrows=True, arrowsize=7, node_size=300, alpha=0.8,
        )  # fmt: skip
    present = [t for t in NODE_TYPES if any(d == t for _, d in graph.nodes(data="type"))]
    for kind in present:
        nodes = [n for n, d in graph.nodes(data="type") if d == kind]
        nx.draw_networkx_nodes(
            graph, pos, nodelist=nodes, ax=axes, node_color=COLOURS[kind],
            node_size=[90 + 45 * simple.degree(n) for n in nodes], edgecolors="white", linewidths=0.6,
        )  # fmt: skip
    above = {n: (x, y + 0.014) for n, (x, y) in pos.items()}
    nx.draw_networkx_labels(
        graph, above, labels={n: _label(d) for n, d in graph.nodes(data="label")}, ax=axes,
        font_size=6, verticalalignment="bottom",
    )  # fmt: skip
    handles = [
        Line2D([], [], marker="o", linestyle="", color=COLOURS[t], markersize=8, label=t)
        for t in present
    ] + [
        Line2D([], [], color="#9A9A9A", label="claim (thicker: more sources)"),
        Line2D([], [], color=_DISPUTED, label="sources disagree"),
        Line2D([], [], color="#9A9A9A", linestyle="dashed", label="corrected"),
    ]
    axes.legend(handles=handles, loc="lower left", fontsize=8, frameon=False)
    counts = f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} claim edges"
    axes.set_title(f"{title} ({counts})" if title else counts, fontsize=11)
    figure.tight_layout()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[suffix[1:]]
    figure.savefig(out, format=suffix[1:], metadata=metadata)
    plt.close(figure)
    return out
