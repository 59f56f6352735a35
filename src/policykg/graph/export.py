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
from pyoxigraph import RdfFormat, Store, Triple, serialize

from policykg.errors import BadRequest
from policykg.formats import GRAPHS
from policykg.kg import PolicyGraph
from policykg.namespaces import dump_prefixes

if TYPE_CHECKING:
    from policykg.network.filters import Filters

__all__ = ["EXPORT_FORMATS", "Exports", "export", "union_triples"]

_GRAPH = {".graphml": nx.write_graphml, ".gexf": nx.write_gexf}  # of network.views.flat()

#: File endings ``export`` understands.
EXPORT_FORMATS = (*(f".{f.extension}" for f in GRAPHS.formats), *_GRAPH)


@dataclass
class Exports:
    """What several exports of one graph share, made once: the union's triples and the
    network views (the dumps write six RDF files and two network files from one store)."""

    union: list[Triple] | None = None
    views: dict[Filters, nx.MultiDiGraph] = field(default_factory=dict)

    def view(self, graph: PolicyGraph, filters: Filters) -> nx.MultiDiGraph:
        if filters not in self.views:
            from policykg.network.build import network

            self.views[filters] = network(graph, filters)
        return self.views[filters]

    def triples(self, store: Store) -> list[Triple]:
        if self.union is None:
            self.union = union_triples(store)
        return self.union


def union_triples(store: Store) -> list[Triple]:
    """The union of the store's graphs, each triple once, sorted by ``str()`` of the triple."""
    quads = store.quads_for_pattern(None, None, None, None)
    return sorted({Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)


def export(
    graph: PolicyGraph,
    path: Path,
    *,
    include_corrected: bool = False,
    filters: Filters | None = None,
    shared: Exports | None = None,
) -> Path:
    """Write the graph to ``path`` in the format its ending names; return the path.

    GraphML and GEXF hold the network view chosen by ``filters`` (default: every
    uncorrected claim, or every claim with ``include_corrected``). ``shared`` keeps what
    another export of the same graph made (the union, the views)."""
    shared = shared or Exports()
    suffix = path.suffix.lower()
    if suffix in _GRAPH:
        from policykg.network.filters import Filters
        from policykg.network.views import flat

        view = shared.view(graph, filters or Filters(include_corrected=include_corrected))
        _GRAPH[suffix](flat(view), path)
        return path
    known = GRAPHS.for_path(path)
    if known is None:
        raise BadRequest(f"cannot export to {path.name!r}; use one of {', '.join(EXPORT_FORMATS)}")
    fmt = known.rdf
    prefixes = {} if fmt in (RdfFormat.N_QUADS, RdfFormat.N_TRIPLES) else dump_prefixes()
    if fmt.supports_datasets:  # every quad, in the store's order
        graph.store.dump(path, format=fmt, prefixes=prefixes)
    else:
        serialize(shared.triples(graph.store), path, format=fmt, prefixes=prefixes)
    return path
