"""Canonical N-Quads: the dataset with RDFC-1.0 blank-node labels, each quad once, sorted by
graph and then by line, so the same input always gives the same bytes (and the same digest,
the build's version).

This module imports no rdflib: a large build canonicalises in its second process
(:mod:`policykg.linkeddata.offload`) while the first validates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Quad,
    RdfFormat,
    parse,
    serialize,
)

__all__ = [
    "Canonical",
    "canonical_file",
    "canonical_nquads",
    "canonical_quads",
    "in_order",
    "nquads_text",
]


@dataclass(frozen=True)
class Canonical:
    """What :func:`canonical_file` wrote: its lines (quads), graphs and digest."""

    quads: int
    graphs: int
    digest: str  # the first 16 hex digits of the SHA-256 of the file


def nquads_text(quads: Iterable[Quad]) -> bytes:
    """``quads`` as N-Quads, as pyoxigraph writes them; every quad must be in a named graph."""
    quads = list(quads)
    for quad in quads:
        if isinstance(quad.graph_name, DefaultGraph):
            raise ValueError(f"a quad outside any named graph: {quad}")
    data = serialize(quads, format=RdfFormat.N_QUADS)
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data


def _by_graph(text: str) -> dict[str, list[str]]:
    """The lines of the N-Quads ``text`` (written by pyoxigraph) with RDFC-1.0 blank-node
    labels, each once, by graph.

    Only the lines that may hold a blank node (those with ``_:`` anywhere: a blank node, or
    a literal that says ``_:``) are canonicalised: RDFC-1.0 hashes each blank node from the
    quads it appears in (and from the blank nodes they reach), so the other quads change no
    label, and canonicalising these alone gives the labels of the whole dataset (a test
    compares the two); a quad without a blank node among them comes out as it went in.
    The lines are sorted out as text, so no quad is taken apart into Python terms.
    """
    lines = text.split("\n")
    lines.pop()  # the text ends with a newline
    plain = {line for line in lines if "_:" not in line}
    blank = Dataset(parse("\n".join(line for line in lines if "_:" in line), RdfFormat.N_QUADS))
    del lines
    blank.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    relabelled = serialize(blank, format=RdfFormat.N_QUADS)
    assert relabelled is not None
    more = relabelled.decode("utf-8").split("\n")
    more.pop()
    plain.update(more)
    return _grouped(plain)


def _grouped(lines: Iterable[str], default: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """N-Quads ``lines`` by graph: the graph (an IRI or a blank node, neither holding a
    space) ends each line; the lines in ``default`` are of the default graph ("")."""
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        graph = "" if line in default else line[line.rindex(" ", 0, -2) + 1 : -2]
        by_graph.setdefault(graph, []).append(line)
    return by_graph


def _ordered(by_graph: dict[str, list[str]]) -> list[str]:
    """The lines of every graph, by graph and then by line."""
    ordered = []
    for graph in sorted(by_graph):
        # Within a graph, whole lines sort as (subject, predicate, object) do: no term is
        # followed by a character below the space that ends it (a test compares the two).
        ordered.extend(sorted(by_graph[graph]))
    return ordered


def in_order(nquads: bytes, default: bytes = b"") -> bytes:
    """The N-Quads text ``nquads`` (as pyoxigraph writes it) in the order of the canonical
    files: by graph, the default graph first, and then by line. ``default`` holds the lines
    of the default graph (as N-Triples), if it has any.

    A store built from a canonical file gives that file back, byte for byte:

    >>> text = b'<http://e/b> <http://e/p> "2" <http://e/g> .\\n<http://e/a> <http://e/p> "1" <http://e/g> .\\n'
    >>> in_order(text).decode().splitlines()[0]
    '<http://e/a> <http://e/p> "1" <http://e/g> .'
    """
    lines = nquads.decode("utf-8").split("\n")
    lines.pop()  # the text ends with a newline
    others = frozenset(default.decode("utf-8").split("\n")) if default else frozenset()
    return "".join(f"{line}\n" for line in _ordered(_grouped(lines, others))).encode("utf-8")


def canonical_nquads(quads: Iterable[Quad]) -> list[str]:
    """The N-Quads lines of ``quads`` with RDFC-1.0 blank-node labels, sorted by graph,
    subject, predicate and object: the same input always gives the same lines."""
    return _ordered(_by_graph(nquads_text(quads).decode("utf-8")))


def canonical_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Quads with RDFC-1.0 blank-node labels, sorted: the same input always gives the same list."""
    lines = canonical_nquads(quads)
    return list(parse("".join(f"{line}\n" for line in lines), format=RdfFormat.N_QUADS))


def canonical_file(source: str, target: str) -> Canonical:
    """Write the N-Quads file ``source`` (as :func:`nquads_text` writes it) canonically into
    ``target``: the lines of :func:`canonical_nquads`. Takes and returns only paths and a
    record, so the build's second process can run it."""
    by_graph = _by_graph(Path(source).read_text(encoding="utf-8"))
    graphs = len(by_graph)
    lines = _ordered(by_graph)
    del by_graph
    data = "".join(f"{line}\n" for line in lines).encode("utf-8")
    Path(target).write_bytes(data)
    return Canonical(len(lines), graphs, hashlib.sha256(data).hexdigest()[:16])
