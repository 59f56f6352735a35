"""Bounded queries, answered in the server process from its own in-memory copy of the store.

Queries run in worker processes because only killing a process stops pyoxigraph at the
time limit. For a lookup that returns a handful of rows, the trip to a worker costs
more than the query. Some queries cannot run long, though: one triple pattern, asked
with SELECT or ASK, is answered by stepping through one index of the store, lazily,
so the work done is proportional to the rows read. :func:`is_bounded` recognises such
queries with one regular expression, and :class:`InlineStore` runs them in the server
process (the simplest through :class:`~policykg.sparql.lookup.Lookup`, the others through the
SPARQL engine), reading at most ``budget`` rows; a result with more rows is abandoned
(after that much work) and the caller sends the query to a worker as usual. The
answer is the same either way (``tests/test_inline.py`` compares them), and so is the
parsing: the recognised parts of a query text are kept for the last 1024 texts.

Accepted: ``PREFIX``/``BASE`` declarations, then ``SELECT *`` or ``SELECT ?a ?b…``
(with an optional ``LIMIT``) or ``ASK``, an optional ``WHERE``, and a group holding one
triple pattern whose terms are IRIs, prefixed names, variables (no variable twice),
``a`` as the predicate, or a literal as the object. Anything else (``FILTER``, paths,
``DISTINCT``, ``ORDER BY``, ``OFFSET``, ``FROM``, ``SERVICE``, blank nodes, a second
pattern) goes to a worker.

>>> is_bounded("SELECT ?p ?o WHERE { <http://example.org/c1> ?p ?o . }")
True
>>> is_bounded("PREFIX s: <https://schema.org/> ASK { ?org s:name 'LinkedIn'@en }")
True
>>> is_bounded("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
False
>>> is_bounded("SELECT * WHERE { ?s ?p ?s }")
False
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from policykg.engine.jobs import QueryJob, ResultEnd, ResultHead, WholeResult
from policykg.engine.limits import INLINE_MAX_QUADS, ROW_BUDGET
from policykg.engine.worker import open_store
from policykg.sparql.lookup import Lookup
from policykg.sparql.results import NoFormat, write_result
from policykg.sparql.tokens import IRI_PATTERN, STRING_PATTERN

__all__ = [
    "INLINE_MAX_QUADS",
    "MAX_CHARS",
    "ROW_BUDGET",
    "InlineStore",
    "bounded_parts",
    "is_bounded",
    "more_than",
]


#: Longer texts go to a worker without a look: a lookup is short.
MAX_CHARS = 4096

_WS = r"(?:\s|#[^\n\r]*)*+"  # white space and comments (possessive: no backtracking)
_PNAME = r"(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:]|\.(?=[\w\-:]))*+"
_NAME = f"(?:{IRI_PATTERN}|{_PNAME})"
_VAR = r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]++"
_LITERAL = (
    f"(?:{STRING_PATTERN})(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\\^\\^{_NAME})?"
    r"|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
)
_BOUNDED = re.compile(
    f"{_WS}(?P<prologue>(?:(?:PREFIX{_WS}(?:[A-Za-z][\\w\\-.]*)?:{_WS}{IRI_PATTERN}"
    f"|BASE{_WS}{IRI_PATTERN}){_WS})*+)"
    f"(?:SELECT{_WS}(?P<projection>\\*{_WS}|(?:{_VAR}{_WS})++)|(?P<ask>ASK){_WS})(?:WHERE{_WS})?"
    f"\\{{{_WS}(?P<s>{_NAME}|{_VAR}){_WS}(?P<p>{_NAME}|{_VAR}|a){_WS}(?P<o>{_NAME}|{_VAR}|{_LITERAL})"
    f"{_WS}(?:\\.{_WS})?\\}}{_WS}(?:LIMIT{_WS}(?P<limit>\\d+){_WS})?",
    re.IGNORECASE | re.DOTALL,
)


def bounded_parts(text: str) -> dict[str, str | None] | None:
    """The parts of a bounded query (``prologue``, ``projection``, ``ask``, ``s``, ``p``,
    ``o``, ``limit``), or None if ``text`` is not one (see the module docstring).

    >>> bounded_parts("SELECT ?o { <http://e/s> ?p ?o } LIMIT 5")["limit"]
    '5'
    """
    match = _BOUNDED.fullmatch(text) if len(text) <= MAX_CHARS else None
    if match is None:
        return None
    names = [term[1:] for term in match.group("s", "p", "o") if term[0] in "?$"]
    return match.groupdict() if len(names) == len(set(names)) else None


def is_bounded(text: str) -> bool:
    """Whether ``text`` is a one-triple-pattern SELECT or ASK (see the module docstring)."""
    return bounded_parts(text) is not None


@dataclass(frozen=True)
class _Prepared:
    """A bounded query, and its :class:`Lookup` when it needs no SPARQL engine."""

    lookup: Lookup | None


@functools.lru_cache(maxsize=1024)
def _prepare(text: str) -> _Prepared | None:
    parts = bounded_parts(text)
    if parts is None:
        return None
    simple = not (parts["prologue"] or parts["ask"])
    return _Prepared(Lookup.plan(parts) if simple else None)


Kind = Literal["boolean", "solutions", "graph"]


class _Body:
    def __init__(self, kind: str, fmt: str) -> None:
        self.kind: Kind = kind  # type: ignore[assignment]
        self.format, self.data = fmt, bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the body is sent whole."""


_MORE_THAN = (
    "ASK { { SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } OFFSET %d LIMIT 1 } }"
)


def more_than(store: ox.Store, quads: int) -> bool:
    """Whether ``store`` holds more than ``quads`` quads (a number, not user input), read
    by a query that stops at the quad after them and releases the GIL meanwhile.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    >>> more_than(store, 0), more_than(store, 1)
    (True, False)
    """
    return bool(store.query(_MORE_THAN % int(quads)))


class InlineStore:
    """A store for bounded queries (``kind``: an in-memory copy or the on-disk store read-only),
    read at most ``budget`` rows a time.

    >>> from policykg.sparql.results import ResultSpec
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    >>> inline = InlineStore(store, budget=10)
    >>> job = QueryJob("SELECT ?o { <http://e/s> ?p ?o }", ResultSpec("tsv", None, 100))
    >>> inline.run(job).body
    b'?o\\n"o"\\n'
    >>> InlineStore(store, budget=0).run(job) is None  # over budget: a worker's job
    True
    """

    def __init__(self, store: ox.Store, *, budget: int = ROW_BUDGET, kind: str = "memory") -> None:
        self.store, self.budget, self.kind = store, budget, kind

    @classmethod
    def open(cls, path: Path, *, max_quads: int, budget: int = ROW_BUDGET) -> InlineStore:
        """Copy the on-disk store at ``path`` into memory, or, if it holds over
        ``max_quads`` quads, open it read-only (lookups stay fast; memory stays free).

        This runs in a thread of the server process: whether the store is too large is
        asked by a query, which releases the GIL, before :func:`open_store` counts it with
        ``len()``, which holds it (at 11.8 million quads the server's event loop stood
        still for 8 to 12 s, and the server answered nothing until then)."""
        disk = ox.Store.read_only(str(path))
        if max_quads <= 0 or more_than(disk, max_quads):
            return cls(disk, budget=budget, kind="disk")
        del disk
        store, opened = open_store(str(path), "memory", max_quads)
        return cls(store, budget=budget, kind=opened.store)

    def run(self, job: QueryJob) -> WholeResult | None:
        """The whole answer to a bounded query on the store's own dataset, or None: not
        bounded, over budget, or an error of the query (which the worker will report as
        usual)."""
        solutions = job.output.solutions
        if not job.default_dataset or solutions is None:
            return None
        prepared = _prepare(job.query)
        if prepared is None:
            return None
        limit = min(job.output.max_rows, self.budget)
        plan = None if job.substitutions else prepared.lookup
        try:
            if plan is not None:
                kind: Kind = "solutions"
                fmt = solutions
                body, rows, cut = plan.run(self.store, union=job.union, fmt=fmt, max_rows=limit)
            else:
                kind, fmt, body, rows, cut = self._sparql(job, limit)
        except (SyntaxError, NoFormat, ValueError):  # the query's own errors
            return None
        if cut and limit < job.output.max_rows:
            return None
        return WholeResult(ResultHead(kind, fmt, cut), body, ResultEnd(rows, cut))

    def _sparql(self, job: QueryJob, limit: int) -> tuple[Kind, str, bytes, int, bool]:
        result = self.store.query(
            job.query,
            base_iri=job.base_iri,
            prefixes=dict(job.prefixes) or None,
            use_default_graph_as_union=job.union,
            substitutions=dict(job.substitutions) or None,
        )
        spec = dataclasses.replace(job.output, max_rows=limit)
        body, rows, cut = write_result(result, spec, _Body)
        return body.kind, body.format, bytes(body.data), rows, cut
