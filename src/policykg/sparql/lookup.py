"""One triple pattern of absolute IRIs and variables, read straight from the store's index.

The simplest lookups (``SELECT ?p ?o WHERE { <iri> ?p ?o }``) are answered without
the SPARQL engine, which spends most of their time parsing and planning:
``Store.quads_for_pattern`` gives the matching quads, and their terms become rows of
a TSV result that pyoxigraph parses and serialises in the requested format, so the
bytes are those the SPARQL engine would produce for the same rows. Semantics follow
pyoxigraph's: with the union default graph, a triple stated in several graphs is one
row per graph; ``SELECT *`` lists the variables alphabetically.

Only SELECT, without ``PREFIX``/``BASE`` (so no IRI needs resolving), with terms that
are absolute IRIs without escapes, variables or ``a``. :class:`Lookup.plan` returns
None for anything else, and the caller uses the SPARQL engine.

>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
>>> plan = Lookup.plan({"s": "<http://e/s>", "p": "?p", "o": "?o", "projection": "*",
...                     "limit": None})
>>> plan.run(store, union=False, fmt="tsv", max_rows=10)
(b'?o\\t?p\\n"o"\\t<http://e/p>\\n', 1, False)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from policykg.formats import SOLUTIONS

__all__ = ["Lookup"]

_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^\\]*>")
_VARIABLE = re.compile(r"[?$]([\w\u00B7\u0300-\u036F\u203F\u2040]+)")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TSV = ox.QueryResultsFormat.TSV


@dataclass(frozen=True)
class Lookup:
    """A triple pattern: ``terms`` are fixed nodes or None; ``slots`` project positions."""

    terms: tuple[ox.NamedNode | None, ox.NamedNode | None, ox.NamedNode | None]
    variables: tuple[str, ...]
    slots: tuple[int | None, ...]
    limit: int | None

    @classmethod
    def plan(cls, parts: Mapping[str, str | None]) -> Lookup | None:
        """From a recognised query's parts (``s``, ``p``, ``o``, ``projection``, ``limit``)."""
        terms: list[ox.NamedNode | None] = []
        where: dict[str, int] = {}
        for position, key in enumerate("spo"):
            text = parts[key] or ""
            if (var := _VARIABLE.fullmatch(text)) is not None:
                where[var.group(1)] = position
                terms.append(None)
            elif text == "a" and key == "p":
                terms.append(_TYPE)
            elif _ABSOLUTE.fullmatch(text):
                try:
                    terms.append(ox.NamedNode(text[1:-1]))
                except ValueError:
                    return None
            else:
                return None
        projection = parts["projection"] or ""
        if projection.strip() == "*":
            names = sorted(where)
        else:
            names = [m.group(1) for m in _VARIABLE.finditer(projection)]
        if not names or len(names) != len(set(names)):
            return None
        limit = parts.get("limit")
        s, p, o = terms
        return cls(
            (s, p, o),
            tuple(names),
            tuple(where.get(name) for name in names),
            int(limit) if limit is not None else None,
        )

    def run(
        self, store: ox.Store, *, union: bool, fmt: str, max_rows: int
    ) -> tuple[bytes, int, bool]:
        """The result in ``fmt`` with at most ``max_rows`` rows: (body, rows, truncated)."""
        graph = None if union else ox.DefaultGraph()
        quads = store.quads_for_pattern(*self.terms, graph)
        if self.limit is not None:
            quads = itertools.islice(quads, self.limit)
        head = "\t".join("?" + name for name in self.variables)
        lines = [head]
        slots = self.slots
        for quad in itertools.islice(quads, max_rows + 1):
            lines.append("\t".join("" if i is None else str(quad[i]) for i in slots))
        rows = len(lines) - 1
        truncated = rows > max_rows
        if truncated:
            lines.pop()
            rows -= 1
        tsv = ("\n".join(lines) + "\n").encode()
        body = ox.parse_query_results(tsv, _TSV).serialize(format=SOLUTIONS.get(fmt).results)
        return body or b"", rows, truncated
