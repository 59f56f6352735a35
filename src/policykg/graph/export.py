"""Exports for reuse: the dataset as RDF, or the claims graph for visualisation tools.

RDF formats with named graphs (TriG, N-Quads, JSON-LD) keep each source's graph; the others
(Turtle, N-Triples, RDF/XML) hold the union. GraphML and GEXF hold the claims network of
:mod:`policykg.network` (entities as nodes, one edge per subject, property and object with its
claims, sources and stances), for Gephi, Cytoscape or yEd.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from pyoxigraph import Quad, RdfFormat, Triple, serialize

from policykg.errors import BadRequest
from policykg.formats import GRAPHS
from policykg.kg import PolicyGraph
from policykg.namespaces import dump_prefixes

if TYPE_CHECKING:
    from policykg.network.filters import Filters

__all__ = ["EXPORT_FORMATS", "export"]

_GRAPH = {".graphml": nx.write_graphml, ".gexf": nx.write_gexf}  # of network.views.flat()

#: File endings ``export`` understands.
EXPORT_FORMATS = (*(f".{f.extension}" for f in GRAPHS.formats), *_GRAPH)


def export(
    graph: PolicyGraph,
    path: Path,
    *,
    include_corrected: bool = False,
    filters: Filters | None = None,
) -> Path:
    """Write the graph to ``path`` in the format its ending names; return the path.

    GraphML and GEXF hold the network view chosen by ``filters`` (default: every
    uncorrected claim, or every claim with ``include_corrected``)."""
    suffix = path.suffix.lower()
    if suffix in _GRAPH:
        from policykg.network.build import network
        from policykg.network.filters import Filters
        from policykg.network.views import flat

        view = network(graph, filters or Filters(include_corrected=include_corrected))
        _GRAPH[suffix](flat(view), path)
        return path
    known = GRAPHS.for_path(path)
    if known is None:
        raise BadRequest(f"cannot export to {path.name!r}; use one of {', '.join(EXPORT_FORMATS)}")
    fmt = known.rdf
    quads = list(graph.store.quads_for_pattern(None, None, None, None))
    data: list[Quad] | list[Triple] = quads
    if not fmt.supports_datasets:
        data = sorted({Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    prefixes = {} if fmt in (RdfFormat.N_QUADS, RdfFormat.N_TRIPLES) else dump_prefixes()
    serialize(data, path, format=fmt, prefixes=prefixes)
    return path
