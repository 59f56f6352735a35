"""The network as GEXF 1.2, written as text: the bytes ``networkx.write_gexf`` writes (with
ElementTree, indented two spaces a level) for the network's flat view, without building a
tree of elements, except the date.

networkx dates the file (``<meta lastmodifieddate>``) with today's date; here it is the date
given, by default that of ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds) or
else today's, so a build's GEXF file carries the build's date as its other dumps do.

As networkx does: node attributes ``label`` becomes the node's label and the others its
``attvalues``; an edge's ``label`` becomes its label, its key the ``networkx_key``
attribute, and edges are numbered from 0; attribute ids count nodes' attributes first,
then edges', and the edges' ``<attributes>`` come first. A character XML does not allow is
written as U+FFFD (:mod:`policykg.network.xmltext`).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import TextIO

import networkx as nx

from .flatview import Attrs, flat_edges, flat_nodes
from .xmltext import etree_attribute, etree_text

__all__ = ["today", "write_gexf"]

_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd"'
    ' version="1.2">\n'
)
#: networkx's GEXF type of each Python type (``int`` is "long": the last it lists).
_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}
_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def today() -> str:
    """``YYYY-MM-DD``: the day of ``SOURCE_DATE_EPOCH`` (UTC) when it is set, else today's
    local date (networkx's)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d")
    return time.strftime("%Y-%m-%d")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return _FLOATS.get(text, text) if isinstance(value, float) else text


class _Attributes:
    """The ids of the attributes of one class (node or edge), numbered as they are met."""

    def __init__(self, kind: str, counter: list[int]) -> None:
        self.kind = kind
        self.counter = counter  # shared by both classes
        self.ids: dict[str, str] = {}
        self.types: dict[str, str] = {}

    def meet(self, attrs: Attrs) -> None:
        for name, value in attrs.items():
            if name not in self.ids:
                kind = _TYPES.get(type(value))
                if kind is None:
                    raise TypeError(f"attribute value type is not allowed: {type(value)}")
                self.ids[name], self.types[name] = str(self.counter[0]), kind
                self.counter[0] += 1

    def values(self, attrs: Attrs) -> str:
        """The ``<attvalues>`` lines of a node or an edge (none when it has no attributes)."""
        if not attrs:
            return ""
        ids = self.ids
        inner = "".join(
            f'          <attvalue for="{ids[name]}" value="{etree_attribute(_value(value))}" />\n'
            for name, value in attrs.items()
        )
        return f"        <attvalues>\n{inner}        </attvalues>\n"

    def declaration(self) -> str:
        """The ``<attributes>`` element of this class (none when no attribute was met)."""
        if not self.ids:
            return ""
        lines = [f'    <attributes mode="static" class="{self.kind}">\n']
        lines.extend(
            f'      <attribute id="{key}" title="{etree_attribute(name)}"'
            f' type="{self.types[name]}" />\n'
            for name, key in self.ids.items()
        )
        lines.append("    </attributes>\n")
        return "".join(lines)


def _element(start: str, body: str, name: str) -> str:
    return f"      {start}>\n{body}      </{name}>\n" if body else f"      {start} />\n"


def _node(node: str, attrs: Attrs) -> tuple[str, Attrs]:
    """A node's label (its ``label`` attribute, else its id) and its other attributes."""
    rest = dict(attrs)
    return str(rest.pop("label", node)), rest


def _edge(key: str, attrs: Attrs) -> tuple[str | None, Attrs]:
    """An edge's label, if any, and its other attributes, its key last as ``networkx_key``."""
    rest: Attrs = {**attrs, "networkx_key": key}
    label = rest.pop("label", None)
    return (None if label is None else str(label)), rest


def write_gexf(graph: nx.MultiDiGraph, out: TextIO, *, date: str | None = None) -> None:
    """Write the flat view of the network ``graph`` to ``out`` as GEXF 1.2, dated ``date``
    (``YYYY-MM-DD``; by default :func:`today`)."""
    counter = [0]
    node_attributes = _Attributes("node", counter)
    edge_attributes = _Attributes("edge", counter)
    nodes = [(node, *_node(node, attrs)) for node, attrs in flat_nodes(graph)]
    edges = [(u, v, *_edge(key, attrs)) for u, v, key, attrs in flat_edges(graph)]
    for *_, rest in nodes:
        node_attributes.meet(rest)
    for *_, rest in edges:
        edge_attributes.meet(rest)
    out.write(_HEAD)
    out.write(f'  <meta lastmodifieddate="{etree_attribute(date or today())}">\n')
    out.write(f"    <creator>{etree_text(f'NetworkX {nx.__version__}')}</creator>\n")
    out.write("  </meta>\n")
    out.write('  <graph defaultedgetype="directed" mode="static" name="">\n')
    out.write(edge_attributes.declaration())
    out.write(node_attributes.declaration())
    out.write("    <nodes>\n" if nodes else "    <nodes />\n")
    for node, label, rest in nodes:
        start = f'<node id="{etree_attribute(node)}" label="{etree_attribute(label)}"'
        out.write(_element(start, node_attributes.values(rest), "node"))
    if nodes:
        out.write("    </nodes>\n")
    out.write("    <edges>\n" if edges else "    <edges />\n")
    for number, (u, v, edge_label, rest) in enumerate(edges):
        start = f'<edge source="{etree_attribute(u)}" target="{etree_attribute(v)}" id="{number}"'
        if edge_label is not None:
            start += f' label="{etree_attribute(edge_label)}"'
        out.write(_element(start, edge_attributes.values(rest), "edge"))
    if edges:
        out.write("    </edges>\n")
    out.write("  </graph>\n</gexf>\n")
