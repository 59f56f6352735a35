"""The claims graph as a network: filtered views, paths, centrality, a timeline and figures.

Entities are nodes and claims are edges (one edge per subject, property and object, holding
every claim behind it). One builder (:mod:`.build`) makes the network from the store through
stored SPARQL queries with bound parameters; the HTTP API, the CLI and the GraphML/GEXF
exports all use it.
"""

from __future__ import annotations

from .filters import NODE_TYPES, STANCES, Filters

__all__ = ["NODE_TYPES", "STANCES", "Filters"]
