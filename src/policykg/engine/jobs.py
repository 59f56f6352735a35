"""What the server asks of a worker and what comes back: typed jobs, replies and frames.

Server and worker exchange frames over the worker's stdin/stdout: one :class:`Frame`
kind byte, a 4-byte big-endian length, and a pickled payload (or raw bytes for a
``CHUNK``). Every payload is one of the frozen dataclasses below, so mypy checks each
field on both sides and a misspelt field is an error, not a wrong HTTP status.

>>> import io
>>> channel = io.BytesIO()
>>> write_frame(channel, Frame.JOB, encode(StatsJob()))
>>> _ = channel.seek(0)
>>> kind, payload = read_frame(channel)
>>> kind, decode(payload)
(<Frame.JOB: b'J'>, StatsJob())
"""

from __future__ import annotations

import enum
import pickle
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

import pyoxigraph as ox

from policykg.sparql.results import ResultSpec

__all__ = [
    "HEADER",
    "ExistsJob",
    "Frame",
    "GraphWriteJob",
    "Job",
    "JobError",
    "LoadJob",
    "Opened",
    "QueryJob",
    "ResultEnd",
    "ResultHead",
    "ResultSpec",
    "Stats",
    "StatsJob",
    "UpdateJob",
    "WholeResult",
    "decode",
    "encode",
    "read_frame",
    "write_frame",
]

#: Frame header: kind byte, payload length.
HEADER = struct.Struct(">cI")


class Frame(enum.Enum):
    """The kind byte of a frame."""

    JOB = b"J"  #: server -> worker: a pickled :data:`Job`
    #: worker -> server, empty: the job was read and runs now. A worker that dies before
    #: sending it never started the job, which can then go to another worker.
    TAKEN = b"T"
    READY = b"R"  #: worker -> server: :class:`Opened` at start, or a job's small result
    HEAD = b"H"  #: a streamed result's :class:`ResultHead`
    CHUNK = b"C"  #: raw body bytes of a streamed result
    END = b"E"  #: a streamed result's :class:`ResultEnd`
    WHOLE = b"W"  #: a :class:`WholeResult` that fit in the first flush
    ERROR = b"X"  #: a :class:`JobError`


# --- Jobs (server -> worker) -------------------------------------------------------------


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query, its dataset, and how to write its result.

    ``default_graph``/``named_graphs`` are the protocol's dataset (None: the store's
    own, with the union default graph when ``union``); ``check_graphs`` are ``FROM``
    graphs that must exist unless on ``allowlist`` (nothing remote is ever fetched).
    ``prefixes`` are predeclared for the text (its own ``PREFIX`` lines win); the safety
    scan and every engine read the same job, so they see the same effective query.

    ``short``: the query's cost is bounded by the data, not by what a client wrote (the
    server's own stored queries: named queries, resource pages, network views, exports;
    and one-pattern lookups). It may run on the workers reserved for short queries and
    overtakes other queries waiting for a worker (:mod:`policykg.engine.lanes`); a
    client's own SPARQL is not short unless it is a lookup.
    """

    query: str
    output: ResultSpec
    base_iri: str | None = None
    union: bool = False
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] = field(default_factory=dict)
    check_graphs: tuple[str, ...] = ()
    allowlist: tuple[str, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)
    short: bool = False

    @property
    def default_dataset(self) -> bool:
        """Whether the query runs on the store's own dataset (no protocol dataset, no FROM)."""
        return self.default_graph is None and self.named_graphs is None and not self.check_graphs


@dataclass(frozen=True)
class UpdateJob:
    """A SPARQL Update, run as one transaction."""

    update: str
    base_iri: str | None = None


@dataclass(frozen=True)
class GraphWriteJob:
    """A Graph Store Protocol write: replace ("put"), add to ("post") or remove ("delete")
    the graph (``graph`` None: the default graph); ``data`` parsed as ``format``."""

    op: Literal["put", "post", "delete"]
    graph: str | None
    data: bytes = b""
    format: str = "turtle"
    base_iri: str | None = None


@dataclass(frozen=True)
class LoadJob:
    """Load files, as (path, format name) pairs, into an empty store."""

    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ExistsJob:
    """Whether a graph exists (None: the default graph, which always does)."""

    graph: str | None


@dataclass(frozen=True)
class StatsJob:
    """Dataset counts for the service description."""


Job = QueryJob | UpdateJob | GraphWriteJob | LoadJob | ExistsJob | StatsJob


# --- Replies (worker -> server) ----------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """What a worker opened: ``store`` "memory" or "disk", and how."""

    store: Literal["memory", "disk"]
    quads: int | None = None
    load_seconds: float | None = None
    writable: bool = False
    allocator: Literal["jemalloc", "system"] | None = None


@dataclass(frozen=True)
class ResultHead:
    """A result's kind and format, and whether its rows were cut at the cap."""

    kind: Literal["boolean", "solutions", "graph"]
    format: str
    truncated: bool


@dataclass(frozen=True)
class ResultEnd:
    """Rows written and whether more were cut."""

    rows: int
    truncated: bool


@dataclass(frozen=True)
class WholeResult:
    """A complete result in one frame."""

    head: ResultHead
    body: bytes
    end: ResultEnd


@dataclass(frozen=True)
class Stats:
    """Counts of the whole dataset."""

    triples: int
    graphs: int
    classes: int
    properties: int


ErrorKind = Literal["syntax", "format", "forbidden", "bad_request", "io", "internal"]


@dataclass(frozen=True)
class JobError:
    """Why a job failed: ``kind`` decides the HTTP status, ``message`` is for the client
    (for "format": the kind of result no acceptable format was found for)."""

    kind: ErrorKind
    message: str


# --- Frames ------------------------------------------------------------------------------


def encode(payload: object) -> bytes:
    """Pickle a job or reply (protocol 5: bodies are not copied)."""
    return pickle.dumps(payload, protocol=5)


def decode(data: bytes) -> Any:
    """Unpickle a frame's payload; only ever read from our own parent or child process."""
    return pickle.loads(data)  # noqa: S301 - the other end is our own process


def write_frame(out: BinaryIO, kind: Frame, payload: bytes) -> None:
    out.write(HEADER.pack(kind.value, len(payload)) + payload)
    out.flush()


def read_frame(inp: BinaryIO) -> tuple[Frame, bytes] | None:
    """The next frame, or None when the channel is closed."""
    head = inp.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    kind, size = HEADER.unpack(head)
    return Frame(kind), inp.read(size)
