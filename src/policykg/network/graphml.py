"""The network as GraphML, written as text: the bytes ``networkx.write_graphml`` writes (with
lxml, as it does when lxml is installed) for the network's flat view, without building a
tree of elements.

The layout is lxml's incremental writer's: the declaration, the ``<graphml>`` start tag, one
``<key>`` line per attribute (the last made first), then ``<graph>`` and each node and edge
on its own lines, ``</graph></graphml>`` last. Keys are numbered in the order their
attribute is first met (nodes first, then edges), one per name, type and scope. A character
XML does not allow is written as U+FFFD (:mod:`policykg.network.xmltext`).
"""

from __future__ import annotations

from typing import TextIO

import networkx as nx

from .flatview import Attrs, flat_edges, flat_nodes
from .xmltext import lxml_attribute, lxml_text

__all__ = ["write_graphml"]

_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
#: networkx's GraphML type of each Python type (``int`` is "long": the last it lists).
_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}


def _type(value: object) -> str:
    try:
        return _TYPES[type(value)]
    except KeyError:
        raise TypeError(f"GraphML does not support type {type(value)} as data values.") from None


class _Keys:
    """The ``<key>`` of each attribute name, type and scope, numbered as they are met."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], str] = {}

    def add(self, scope: str, attrs: Attrs) -> None:
        for name, value in attrs.items():
            wanted = (name, _type(value), scope)
            if wanted not in self.ids:
                self.ids[wanted] = f"d{len(self.ids)}"

    def lines(self) -> str:
        return "".join(
            f'<key id="{key}" for="{scope}" attr.name="{lxml_attribute(name)}"'
            f' attr.type="{kind}"/>\n'
            for (name, kind, scope), key in reversed(self.ids.items())
        )

    def data(self, scope: str, attrs: Attrs) -> str:
        """The ``<data>`` lines of an element's attributes."""
        return "".join(
            f'  <data key="{self.ids[name, _type(value), scope]}">{lxml_text(str(value))}</data>\n'
            for name, value in attrs.items()
        )


def _element(start: str, name: str, data: str) -> str:
    return f"{start}>\n{data}</{name}>\n" if data else f"{start}/>\n"


def write_graphml(graph: nx.MultiDiGraph, out: TextIO) -> None:
    """Write the flat view of the network ``graph`` to ``out`` as GraphML."""
    nodes = list(flat_nodes(graph))
    edges = list(flat_edges(graph))
    keys = _Keys()
    for _, attrs in nodes:
        keys.add("node", attrs)
    for *_, attrs in edges:
        keys.add("edge", attrs)
    out.write(_HEAD)
    out.write(keys.lines())
    out.write('<graph edgedefault="directed">')
    for node, attrs in nodes:
        start = f'<node id="{lxml_attribute(node)}"'
        out.write(_element(start, "node", keys.data("node", attrs)))
    for u, v, key, attrs in edges:
        start = (
            f'<edge source="{lxml_attribute(u)}" target="{lxml_attribute(v)}"'
            f' id="{lxml_attribute(key)}"'
        )
        out.write(_element(start, "edge", keys.data("edge", attrs)))
    out.write("</graph></graphml>")
