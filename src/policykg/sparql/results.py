"""Serialise query results with pyoxigraph's own serialisers, capped at ``max_rows``.

``QuerySolutions.serialize`` consumes every solution, so the cap is applied on
pyoxigraph's TSV output, where one line is exactly one row (TSV escapes newlines in
literals). Complete lines are re-read in batches with ``parse_query_results`` and
re-serialised to the requested format; the envelope (JSON head, XML header, CSV header)
is written once. Graph results are capped by slicing the triple iterator before
``pyoxigraph.serialize``. Output goes to a :class:`Sink` (the worker's holds the body
until the result is complete, so the response can say exactly whether rows were cut).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol, TypeVar, cast

import pyoxigraph as ox

from policykg.formats import GRAPHS, SOLUTIONS

__all__ = [
    "NoFormat",
    "ResultSpec",
    "Sink",
    "TooManyRows",
    "write_graph",
    "write_result",
    "write_solutions",
]

_BATCH = 1 << 16
_SUFFIX = {"json": b"]}}", "xml": b"</results></sparql>", "csv": b"", "tsv": b""}


@dataclass(frozen=True)
class ResultSpec:
    """How to write a result: the format name chosen for SELECT/ASK results and for
    CONSTRUCT/DESCRIBE results (None when the client accepts none: writing such a result
    raises :class:`NoFormat`), the row cap, and the JSON-LD context."""

    solutions: str | None
    graph: str | None
    max_rows: int
    context: dict[str, Any] | None = None


class Sink(Protocol):
    def write(self, data: bytes) -> object: ...


SinkT = TypeVar("SinkT", bound=Sink)


class NoFormat(LookupError):
    """The client accepts no format for this kind of result (the message names the kind)."""


class TooManyRows(Exception):
    """Raised inside pyoxigraph's serialiser to stop it once the cap is passed."""


class _TsvCap:
    """A binary file object for pyoxigraph: counts TSV rows and converts batches."""

    def __init__(self, fmt: str, max_rows: int, sink: Sink) -> None:
        self.fmt, self.max_rows, self.sink = fmt, max_rows, sink
        self.header: bytes | None = None
        self.pending = b""
        self.batch: list[bytes] = []
        self.batch_size = 0
        self.rows = 0
        self.truncated = False
        self.first = True

    def write(self, data: bytes) -> int:
        chunk = self.pending + bytes(data)
        end = chunk.rfind(b"\n") + 1  # complete lines only; the rest waits
        self.pending, lines = chunk[end:], chunk[:end]
        if self.header is None and lines:
            first = lines.index(b"\n") + 1
            self.header, lines = lines[:first], lines[first:]
        count = lines.count(b"\n")
        if self.rows + count > self.max_rows:
            keep = 0
            for _ in range(self.max_rows - self.rows):
                keep = lines.index(b"\n", keep) + 1
            self._add(lines[:keep], self.max_rows - self.rows)
            self.truncated = True
            raise TooManyRows
        self._add(lines, count)
        return len(data)

    def _add(self, lines: bytes, count: int) -> None:
        if count:
            self.rows += count
            self.batch.append(lines)
            self.batch_size += len(lines)
            if self.batch_size >= _BATCH:
                self._emit()

    def flush(self) -> None:
        """pyoxigraph calls this; batching is ours."""

    def _emit(self, final: bool = False) -> None:
        header = self.header or b"\n"
        body = b"".join(self.batch)
        self.batch, self.batch_size = [], 0
        if self.fmt == "tsv":
            out = (header if self.first else b"") + body
        elif self.first and final:  # the whole result in one batch: one conversion
            parsed = ox.parse_query_results(header + body, ox.QueryResultsFormat.TSV)
            out = parsed.serialize(format=SOLUTIONS.get(self.fmt).results) or b""
        else:
            empty = ox.parse_query_results(header, ox.QueryResultsFormat.TSV)
            envelope = empty.serialize(format=SOLUTIONS.get(self.fmt).results) or b""
            suffix = _SUFFIX[self.fmt]
            prefix = envelope[: len(envelope) - len(suffix)]
            out = b""
            if body:
                parsed = ox.parse_query_results(header + body, ox.QueryResultsFormat.TSV)
                rows = parsed.serialize(format=SOLUTIONS.get(self.fmt).results) or b""
                out = rows[len(prefix) : len(rows) - len(suffix)]
                if self.fmt == "json" and not self.first:
                    out = b"," + out
            if self.first:
                out = prefix + out
            if final:
                out += suffix
        self.first = False
        if out:
            self.sink.write(out)

    def close(self) -> None:
        self._emit(final=True)


def write_result(
    result: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples,
    spec: ResultSpec,
    start: Callable[[str, str], SinkT],
) -> tuple[SinkT, int, bool]:
    """Write any query result as ``spec`` asks; return the sink, rows written, truncated.

    ``start(kind, format)`` makes the sink once the kind ("boolean", "solutions" or
    "graph") is known.
    """
    if isinstance(result, ox.QueryTriples):
        fmt = _chosen(spec.graph, "CONSTRUCT/DESCRIBE")
        sink = start("graph", fmt)
        return sink, *write_graph(result, fmt, spec.max_rows, sink, spec.context)
    fmt = _chosen(spec.solutions, "SELECT/ASK")
    if isinstance(result, ox.QueryBoolean):
        sink = start("boolean", fmt)
        sink.write(result.serialize(format=SOLUTIONS.get(fmt).results) or b"")
        return sink, 1, False
    sink = start("solutions", fmt)
    return sink, *write_solutions(result, fmt, spec.max_rows, sink)


def _chosen(fmt: str | None, kind: str) -> str:
    if fmt is None:
        raise NoFormat(kind)
    return fmt


def write_solutions(
    result: ox.QuerySolutions, fmt: str, max_rows: int, sink: Sink
) -> tuple[int, bool]:
    """Write SELECT results; return (rows written, truncated)."""
    cap = _TsvCap(fmt, max_rows, sink)
    with contextlib.suppress(TooManyRows):
        result.serialize(cast(IO[bytes], cap), format=ox.QueryResultsFormat.TSV)
    if cap.pending and not cap.truncated:  # a last line without newline
        cap.write(b"\n")
    cap.close()
    return cap.rows, cap.truncated


class _Counter:
    def __init__(self, triples: Iterable[ox.Triple], max_rows: int) -> None:
        self.source, self.max_rows, self.rows, self.truncated = iter(triples), max_rows, 0, False

    def __iter__(self) -> Iterator[ox.Triple]:
        for triple in self.source:
            if self.rows >= self.max_rows:
                self.truncated = True
                return
            self.rows += 1
            yield triple


def write_graph(
    triples: Iterable[ox.Triple],
    fmt: str,
    max_rows: int,
    sink: Sink,
    context: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Write CONSTRUCT/DESCRIBE results; JSON-LD is compacted with ``context`` if given."""
    counter = _Counter(triples, max_rows)
    if fmt == "jsonld" and context is not None:
        sink.write(_compact_jsonld(counter, context))
    else:
        ox.serialize(counter, sink, GRAPHS.get(fmt).rdf)  # type: ignore[arg-type]
    return counter.rows, counter.truncated


_NUMBERS = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "decimal", "double", "float")
)


def _falsy(triple: ox.Triple) -> bool:
    """Whether the object would be a falsy native JSON value (0, false, an empty string).

    >>> I = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    >>> s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    >>> _falsy(ox.Triple(s, p, ox.Literal("0", datatype=I))), _falsy(ox.Triple(s, p, ox.Literal("1", datatype=I)))
    (True, False)
    """
    o = triple.object
    if not isinstance(o, ox.Literal):
        return False
    if o.datatype.value in _NUMBERS:
        try:
            return float(o.value) == 0
        except ValueError:
            return False
    return o.value in ("", "false") if o.language is None else o.value == ""


def _compact_jsonld(triples: Iterable[ox.Triple], context: dict[str, Any]) -> bytes:
    """Compact JSON-LD via rdflib, with an inline context only (nothing is fetched)."""
    from rdflib import Graph

    graph = Graph()
    # rdflib 7.6 compacts to native JSON values and keeps a property's first value only if
    # it is truthy ("if value:"), so a 0 or false beside another value was dropped; given
    # the falsy values last, each is appended to the list instead. (Two falsy values on one
    # property would still lose one: none occur in this graph; a test guards the one that does.)
    ordered = sorted(triples, key=_falsy)
    graph.parse(data=ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES), format="nt")
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    return json.dumps(json.loads(text), ensure_ascii=False).encode()
