"""The dataset an API process serves from a remote store, and how each server is told it.

Over a store written by ``policykg publish`` (:mod:`policykg.remote.publication`), the API
serves exactly the current version's public graphs: its default graph is their union and
its named graphs are them, as the embedded store built from the same ``dist/`` serves
them. The store also holds the control graph and every version's stored copies; where it
runs with a union default graph (Oxigraph ``--union-default-graph``; Virtuoso always),
those would be read too (each triple once per copy). When nothing is published, every data
graph is served, as before.

How each server is told (measured at 10k synthetic claims, 1,013 graphs:
``benchmarks/README.md``, "Backends"):

- **Oxigraph** (and any standard server): the current version's public graphs named as the
  protocol's ``default-graph-uri`` and ``named-graph-uri``. Exact; cheap for the seed
  build's few graphs, but Oxigraph evaluates each pattern once per named graph, so at a
  thousand graphs joins take seconds.
- **Virtuoso**: up to ``NAMED_AT_MOST`` graphs, named as for Oxigraph (the current
  version's public graphs; nothing published: every graph but its system graphs). Past a
  few dozen, naming graphs is slow there (and the protocol parameters are echoed as one
  response header each, which the client refuses), so the graphs to leave out are named
  instead, as ``DEFINE input:default-graph-exclude`` and ``input:named-graph-exclude``
  lines before the query: its system graphs (read at start), and, over a published store,
  the control graph and every described version's stored copies. (Below that count the
  list is kept: on the seed build, Virtuoso answers some named queries wrongly or not at
  all with the exclusions.) A version is described in the control graph before its copies
  are loaded, and ``policykg publish`` waits the readers' re-check interval between the
  two, so readers leave a new version's copies out before they exist.

A user's own dataset (``FROM``/``FROM NAMED``, or the protocol's parameters) is sent as it
is. IRIs are written only as checked terms (:func:`policykg.remote.publication.iri`).

>>> served = Served(version=None, graphs=None, hidden=("http://localhost:8890/DAV/",))
>>> print(exclusions(served.hidden), end="")
DEFINE input:default-graph-exclude <http://localhost:8890/DAV/>
DEFINE input:named-graph-exclude <http://localhost:8890/DAV/>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from policykg.remote.adapters import Adapter
from policykg.remote.publication import PUB, State, control_graph, iri

__all__ = [
    "NAMED_AT_MOST",
    "Served",
    "empty_graph",
    "exclusions",
    "marker_query",
    "served_for",
    "version_marker",
]

#: Virtuoso: the most graphs named one by one; past it, the others are left out instead.
NAMED_AT_MOST = 40


@dataclass(frozen=True)
class Served:
    """What the API serves: the current version (None: nothing published), its public
    graphs (None: every data graph), and the graphs a server is told to leave out."""

    version: str | None
    graphs: tuple[str, ...] | None
    hidden: tuple[str, ...] = ()

    def request(self, adapter: Adapter, text: str) -> tuple[str, dict[str, Sequence[str]]]:
        """The text to send for a query on the served dataset, and the protocol's dataset."""
        if adapter.default_graph_is_union and (
            self.graphs is None or len(self.graphs) > NAMED_AT_MOST
        ):
            return exclusions(self.hidden) + text, {}
        if self.graphs is None:
            return text, {}
        return text, {"default_graphs": self.graphs, "named_graphs": self.graphs}


def exclusions(graphs: Iterable[str]) -> str:
    """Virtuoso's ``DEFINE`` lines that leave ``graphs`` out of both parts of the dataset."""
    lines = []
    for graph in graphs:
        term = iri(graph)
        lines.append(f"DEFINE input:default-graph-exclude {term}\n")
        lines.append(f"DEFINE input:named-graph-exclude {term}\n")
    return "".join(lines)


def served_for(
    state: State, base: str, system: Iterable[str], data: Sequence[str] | None = None
) -> Served:
    """The dataset to serve given the control graph's ``state``, a server's own ``system``
    graphs and, where it was read, the store's other graphs (``data``; it must be, for a
    first publish under way, else every graph is served).

    >>> from policykg.remote.publication import Version
    >>> staged = State(current=None, versions=(Version("0" * 16, "staged", 1, "", ()),))
    >>> served_for(staged, "https://e/", (), data=["https://e/graph/publication"]).graphs
    ('https://e/graph/publication/empty',)
    """
    hidden = sorted(set(system))
    current = state.get(state.current) if state.current else None
    if current is None and not state.versions:
        graphs = tuple(data) if data is not None else None
        return Served(version=None, graphs=graphs, hidden=tuple(hidden))
    copies = {copy.stored for version in state.versions for copy in version.graphs}
    hidden = sorted({*hidden, control_graph(base), *copies})
    if current is None:  # a first publish under way (or killed): no public graph yet
        others = tuple(g for g in data if g not in hidden) if data is not None else None
        if others == ():  # no graph to serve: name one that is never written
            others = (empty_graph(base),)
        return Served(version=None, graphs=others, hidden=tuple(hidden))
    graphs = tuple(sorted(c.public for c in current.graphs))
    return Served(version=current.id, graphs=graphs, hidden=tuple(hidden))


def empty_graph(base: str) -> str:
    """A graph no publish writes: naming it alone serves an empty dataset (a protocol
    request that names no graph would get the store's whole default graph instead)."""
    return control_graph(base) + "/empty"


def marker_query(base: str) -> str:
    """A small query whose answer changes whenever the control graph's versions do."""
    control = iri(control_graph(base))
    return (
        f"PREFIX pub: <{PUB}>\nSELECT ?current ?version ?status WHERE {{ GRAPH {control} {{ "
        f"{{ {control} pub:current ?current }} UNION "
        "{ ?version a pub:Version ; pub:status ?status } } }"
    )


def version_marker(rows: Iterable[Mapping[str, object]]) -> frozenset[tuple[str, str]]:
    """The answer of :func:`marker_query` as a comparable value."""
    found = set()
    for row in rows:
        for name in ("current", "version", "status"):
            value = row.get(name)
            if value is not None:
                found.add((name, str(value)))
    return frozenset(found)
