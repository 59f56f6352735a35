"""The rows the network is built from: stored queries run with bound parameters.

The queries live next to this module (``queries/*.rq``). They run either on a store in this
process (the CLI, the Python API) or through any async ``select`` function (the server runs
them on its query workers); both give the same :class:`NetworkRows`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store, Variable

from ..errors import PolicyKGError
from ..kg import term_value
from .filters import Filters

__all__ = [
    "NetworkRows",
    "Record",
    "RowCapExceeded",
    "Select",
    "Substitutions",
    "fetch",
    "fetch_async",
    "records_from_json",
    "select_store",
    "stored_query",
]

Record = dict[str, str | None]
Substitutions = Mapping[Variable, NamedNode | Literal]
#: Runs a SELECT query with bound parameters and returns its rows.
Select = Callable[[str, Substitutions], Awaitable[list[Record]]]

_QUERIES = Path(__file__).with_name("queries")


class RowCapExceeded(PolicyKGError):
    """A network query returned more rows than the server's row cap."""

    status = 503
    title = "Result too large"


@cache
def stored_query(name: str) -> str:
    """The text of ``queries/<name>.rq`` (read once)."""
    return (_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class NetworkRows:
    """Claims (one row each), node types and names, and the sources' descriptions."""

    claims: list[Record]
    nodes: list[Record]
    sources: list[Record]


def select_store(store: Store, text: str, substitutions: Substitutions) -> list[Record]:
    """Run a SELECT on an in-process store whose default graph is the union of its graphs."""
    result = store.query(text, use_default_graph_as_union=True, substitutions=dict(substitutions))
    assert isinstance(result, QuerySolutions)
    columns = [v.value for v in result.variables]
    # a solution iterates its values in the variables' order (by name, each took a lookup)
    return [dict(zip(columns, map(term_value, solution), strict=True)) for solution in result]


def records_from_json(body: bytes) -> list[Record]:
    """Rows of a SPARQL JSON result."""
    data: dict[str, Any] = json.loads(body)
    columns: list[str] = data["head"]["vars"]
    return [
        {c: (b[c]["value"] if c in b else None) for c in columns}
        for b in data["results"]["bindings"]
    ]


def _plan(filters: Filters) -> list[tuple[str, Substitutions]]:
    return [("claims", filters.substitutions()), ("nodes", {}), ("sources", {})]


def fetch(store: Store, filters: Filters) -> NetworkRows:
    """The rows for ``filters`` from a store in this process."""
    claims, nodes, sources = (
        select_store(store, stored_query(name), subs) for name, subs in _plan(filters)
    )
    return NetworkRows(claims, nodes, sources)


async def fetch_async(select: Select, filters: Filters) -> NetworkRows:
    """The rows for ``filters`` through an async ``select`` (the server's query workers)."""
    claims, nodes, sources = [
        await select(stored_query(name), subs) for name, subs in _plan(filters)
    ]
    return NetworkRows(claims, nodes, sources)
