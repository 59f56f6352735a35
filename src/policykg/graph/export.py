"""Exports for reuse: the dataset as RDF, or the claims graph for visualisation tools.

RDF formats with named graphs (TriG, N-Quads, JSON-LD) keep each source's graph; the others
(Turtle, N-Triples, RDF/XML) hold the union. GraphML and GEXF hold the claims network of
:mod:`policykg.network` (entities as nodes, one edge per subject, property and object with its
claims, sources and stances), for Gephi, Cytoscape or yEd.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from pyoxigraph import DefaultGraph, RdfFormat, Store, Triple, parse, serialize

from policykg.errors import BadRequest
from policykg.formats import GRAPHS
from policykg.graph.canonical import in_order
from policykg.kg import PolicyGraph
from policykg.namespaces import dump_prefixes

if TYPE_CHECKING:
    from policykg.network.filters import Filters

__all__ = ["EXPORT_FORMATS", "Exports", "export", "union_ntriples", "write_rdf"]

_GRAPH = (".graphml", ".gexf")  # the network's flat view (policykg.network.flatview)

#: File endings ``export`` understands.
EXPORT_FORMATS = (*(f".{f.extension}" for f in GRAPHS.formats), *_GRAPH)


@dataclass
class Exports:
    """What several exports of one graph share, made once: the dataset's N-Quads in the
    order of the build's canonical files, the union's N-Triples and the network views (the
    dumps write six RDF files and two network files from one dataset).

    ``nquads`` and ``union`` hold those texts once made.
    """

    nquads: bytes | None = None
    union: bytes | None = None
    views: dict[Filters, nx.MultiDiGraph] = field(default_factory=dict)

    def view(self, graph: PolicyGraph, filters: Filters) -> nx.MultiDiGraph:
        if filters not in self.views:
            from policykg.network.build import network

            self.views[filters] = network(graph, filters)
        return self.views[filters]

    def dataset(self, store: Store) -> bytes:
        """Every quad of ``store`` as N-Quads, by graph and then by line
        (:func:`policykg.graph.canonical.in_order`): an export of a built store is the
        build's dump, byte for byte."""
        if self.nquads is None:
            default = store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
            self.nquads = in_order(_dump(store, RdfFormat.N_QUADS), default or b"")
        return self.nquads

    def triples(self, store: Store) -> bytes:
        """The union of the store's graphs as N-Triples, sorted (see :func:`union_ntriples`)."""
        if self.union is None:
            if next(store.quads_for_pattern(None, None, None, DefaultGraph()), None) is None:
                self.union = union_ntriples(self.dataset(store))
            else:  # a line of the default graph has no graph term to cut off
                triples = {Triple(q.subject, q.predicate, q.object) for q in store}
                self.union = "".join(f"{t} .\n" for t in sorted(map(str, triples))).encode()
        return self.union


def _dump(store: Store, fmt: RdfFormat) -> bytes:
    data = store.dump(format=fmt)
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data


def union_ntriples(nquads: bytes) -> bytes:
    """The union of the graphs of an N-Quads text written by pyoxigraph, every quad in a named
    graph: each triple once, one a line, sorted by its N-Triples form (``str()`` of a
    pyoxigraph ``Triple``, which is how the line writes it).

    The graph (an IRI or a blank node, neither holding a space) ends each line, so the line
    less its graph is the triple; the lines are deduplicated and sorted as strings,
    never turned into Python terms (a test compares this with sorting the store's triples).
    """
    lines = nquads.decode("utf-8").split("\n")
    lines.pop()  # the text ends with a newline
    triples = sorted({line[: line.rindex(" ", 0, -2)] for line in lines})
    del lines
    return "".join(f"{t} .\n" for t in triples).encode("utf-8")


def export(
    graph: PolicyGraph,
    path: Path,
    *,
    include_corrected: bool = False,
    filters: Filters | None = None,
    shared: Exports | None = None,
    date: str | None = None,
) -> Path:
    """Write the graph to ``path`` in the format its ending names; return the path.

    GraphML and GEXF hold the network view chosen by ``filters`` (default: every
    uncorrected claim, or every claim with ``include_corrected``); the GEXF file is dated
    ``date`` (``YYYY-MM-DD``, by default :func:`policykg.network.gexf.today`). ``shared``
    keeps what another export of the same graph made (the union, the views)."""
    shared = shared or Exports()
    suffix = path.suffix.lower()
    if suffix in _GRAPH:
        from policykg.network.filters import Filters
        from policykg.network.gexf import write_gexf
        from policykg.network.graphml import write_graphml

        view = shared.view(graph, filters or Filters(include_corrected=include_corrected))
        with path.open("w", encoding="utf-8", newline="\n") as out:
            if suffix == ".gexf":
                write_gexf(view, out, date=date)
            else:
                write_graphml(view, out)
        return path
    known = GRAPHS.for_path(path)
    if known is None:
        raise BadRequest(f"cannot export to {path.name!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if known.rdf.supports_datasets:  # every quad, by graph and then by line
        write_rdf(shared.dataset(graph.store), path)
    else:
        write_rdf(shared.triples(graph.store), path)
    return path


def write_rdf(text: bytes, path: Path) -> None:
    """Write ``text`` to ``path`` in the RDF format its ending names: ``text`` is N-Quads
    (as a store dumps it) for a format with named graphs, else N-Triples (the union, as
    :func:`union_ntriples` writes it)."""
    known = GRAPHS.for_path(path)
    if known is None:
        raise BadRequest(f"cannot export to {path.name!r}; use one of {', '.join(EXPORT_FORMATS)}")
    fmt = known.rdf
    read_as = RdfFormat.N_QUADS if fmt.supports_datasets else RdfFormat.N_TRIPLES
    if fmt == read_as:  # the text is already what pyoxigraph would write
        path.write_bytes(text)
    else:
        prefixes = {} if fmt in (RdfFormat.N_QUADS, RdfFormat.N_TRIPLES) else dump_prefixes()
        serialize(parse(text, format=read_as), path, format=fmt, prefixes=prefixes)
