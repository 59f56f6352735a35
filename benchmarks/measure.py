"""Measuring: the benchmark queries, a keep-alive client, timed loops and process memory.

The queries are the package's named-query files (``benchmarks/queries/*.rq``), read with
:class:`policykg.sparql.queries.QueryLibrary`; their ``# accept:`` header line (kept by the
library in ``NamedQuery.extra``) names the media type to ask for.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import statistics
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykg.sparql.queries import NamedQuery, QueryLibrary

__all__ = [
    "QUERIES_DIR",
    "QUERY_ORDER",
    "Budget",
    "Client",
    "Endpoint",
    "Measurement",
    "Query",
    "Results",
    "count_rows",
    "load_queries",
    "measure_concurrent",
    "measure_sequential",
    "percentile",
    "process_tree_rss_kib",
]

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
SPARQL_JSON = "application/sparql-results+json"

#: The order results are shown in.
QUERY_ORDER = (
    "point_lookup",
    "company_profile",
    "selective_join",
    "aggregate",
    "property_path",
    "export",
)


@dataclass(frozen=True)
class Query:
    """A benchmark query: its text, title and the media type it is asked for."""

    name: str
    text: str
    title: str
    accept: str
    #: Sent as it is instead of ``?query=TEXT`` on the endpoint's path: a GET of this
    #: path and query string (a named query of the API), or a POST of the form ``body``.
    path: str | None = None
    body: bytes | None = None

    @classmethod
    def from_named(cls, query: NamedQuery) -> Query:
        return cls(query.name, query.sparql, query.title, query.extra.get("accept", SPARQL_JSON))


def load_queries(names: Sequence[str] | None = None, folder: Path = QUERIES_DIR) -> list[Query]:
    """The ``.rq`` files of ``folder``, in the canonical order (then by name).

    >>> [q.name for q in load_queries(["export", "point_lookup"])]
    ['point_lookup', 'export']
    """
    found = {q.name: Query.from_named(q) for q in QueryLibrary.load(folder)}
    order = [n for n in QUERY_ORDER if n in found] + sorted(set(found) - set(QUERY_ORDER))
    if names:
        missing = [n for n in names if n not in found]
        if missing:
            raise SystemExit(f"unknown queries: {', '.join(missing)} (have {', '.join(order)})")
        order = [n for n in order if n in names]
    return [found[n] for n in order]


def count_rows(body: bytes, accept: str) -> int:
    """Rows in a result body: SPARQL JSON, CSV/TSV with a header line, or N-Triples.

    >>> count_rows(b'{"results": {"bindings": [{}, {}]}}', "application/sparql-results+json")
    2
    >>> count_rows(b"a,b\\r\\n1,2\\r\\n3,4\\r\\n", "text/csv")
    2
    >>> count_rows(b"<a> <b> <c> .\\n<a> <b> <d> .\\n", "application/n-triples")
    2
    """
    lines = body.splitlines()
    if accept == "application/n-triples":
        return len([x for x in lines if x.strip()])
    if "json" in accept:
        doc = json.loads(body)
        if "boolean" in doc:
            return 1
        return len(doc["results"]["bindings"])
    return max(0, len([x for x in lines if x.strip()]) - 1)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); with fewer than 100 samples p99 is the max.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile(list(range(1, 201)), 99)
    (2.0, 198)
    """
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def process_tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


@dataclass
class Measurement:
    """Latencies (ms) of one query on one server in one mode."""

    system: str
    query: str
    mode: str  # "seq" or "conc"
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: list[str] = field(default_factory=list)
    rows: int | None = None
    bytes: int | None = None

    @property
    def n(self) -> int:
        return len(self.latencies_ms)

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else math.nan

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99) if self.latencies_ms else math.nan

    @property
    def throughput(self) -> float:
        return self.n / self.wall_s if self.wall_s else math.nan

    def summary(self) -> dict[str, object]:
        return {
            "n": self.n,
            "median_ms": self.median,
            "p99_ms": self.p99,
            "mean_ms": statistics.fmean(self.latencies_ms) if self.latencies_ms else math.nan,
            "min_ms": min(self.latencies_ms, default=math.nan),
            "max_ms": max(self.latencies_ms, default=math.nan),
            "throughput_rps": self.throughput,
            "errors": len(self.errors),
        }


#: Measurements by (system, query, mode).
Results = dict[tuple[str, str, str], Measurement]


class Client:
    """One keep-alive HTTP/1.1 connection to a SPARQL endpoint (``http.client``: the
    cheapest Python client, so that client overhead stays small next to server time)."""

    def __init__(self, port: int, path: str, timeout: float) -> None:
        self.port, self.path, self.timeout = port, path, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, query: Query) -> tuple[float, bytes]:
        """Send the query (GET, or POST of its form), read the whole body; return (ms, body)
        or raise."""
        target = query.path or f"{self.path}?{urllib.parse.urlencode({'query': query.text})}"
        headers = {"Accept": query.accept, "Accept-Encoding": "identity"}
        method = "GET" if query.body is None else "POST"
        if query.body is not None:
            target = query.path or self.path
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            t0 = time.perf_counter()
            try:
                self.conn.request(method, target, body=query.body, headers=headers)
                resp = self.conn.getresponse()
                body = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # a dropped keep-alive connection: reconnect once, untimed
                if attempt == 2:
                    raise
                continue
            ms = (time.perf_counter() - t0) * 1000
            if resp.will_close:
                self.close()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {body[:300].decode(errors='replace')}")
            return ms, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass(frozen=True)
class Endpoint:
    """Where one server answers SPARQL queries."""

    system: str
    port: int
    path: str

    def client(self, timeout: float) -> Client:
        return Client(self.port, self.path, timeout)


@dataclass(frozen=True)
class Budget:
    """Bounds of one measurement loop."""

    warmup: int
    max_requests: int
    seconds: float
    min_requests: int
    timeout: float


def _warm_up(client: Client, query: Query, budget: Budget, m: Measurement) -> None:
    """At least one untimed request; up to ``budget.warmup`` while they are cheap."""
    warm_until = time.perf_counter() + budget.seconds / 3
    for i in range(budget.warmup):
        if i and time.perf_counter() > warm_until:
            break
        _ms, body = client.get(query)
        m.rows, m.bytes = count_rows(body, query.accept), len(body)


def measure_sequential(endpoint: Endpoint, query: Query, budget: Budget) -> Measurement:
    """One client, one request at a time, until the request or time budget is spent."""
    m = Measurement(endpoint.system, query.name, "seq", 1)
    client = endpoint.client(budget.timeout)
    try:
        _warm_up(client, query, budget, m)
        start = time.perf_counter()
        while m.n < budget.max_requests:
            elapsed = time.perf_counter() - start
            if m.n >= budget.min_requests and elapsed >= budget.seconds:
                break
            try:
                ms, body = client.get(query)
            except Exception as e:  # noqa: BLE001  (recorded and reported, not fatal)
                m.errors.append(repr(e))
                if len(m.errors) >= 3:
                    break
                continue
            m.latencies_ms.append(ms)
            if m.rows is None:
                m.rows, m.bytes = count_rows(body, query.accept), len(body)
        m.wall_s = time.perf_counter() - start
    finally:
        client.close()
    return m


class _SharedLoop:
    """The request budget that concurrent clients draw from, under one lock."""

    def __init__(self, budget: Budget, m: Measurement) -> None:
        self.budget, self.m = budget, m
        self.lock = threading.Lock()
        self.issued = 0
        self.start = 0.0

    def take(self, done: int) -> bool:
        """Whether a client that has completed ``done`` requests may send another."""
        with self.lock:
            elapsed = time.perf_counter() - self.start
            over = self.issued >= self.budget.max_requests or (
                elapsed >= self.budget.seconds and self.issued >= self.budget.min_requests
            )
            if (over and done > 0) or len(self.m.errors) >= 3:
                return False
            self.issued += 1
            return True

    def record(self, ms: float | None, error: Exception | None) -> None:
        with self.lock:
            if error is not None:
                self.m.errors.append(repr(error))
            elif ms is not None:
                self.m.latencies_ms.append(ms)


def measure_concurrent(
    endpoint: Endpoint, query: Query, budget: Budget, clients: int
) -> Measurement:
    """``clients`` threads, each looping on its own connection, until the shared request
    budget or the time budget is spent (every client completes at least one request)."""
    m = Measurement(endpoint.system, query.name, "conc", clients)
    loop = _SharedLoop(budget, m)
    gate = threading.Barrier(clients + 1)

    def worker() -> None:
        client = endpoint.client(budget.timeout)
        done = 0
        try:
            gate.wait()
            while loop.take(done):
                try:
                    ms, _body = client.get(query)
                except Exception as e:  # noqa: BLE001  (recorded and reported, not fatal)
                    loop.record(None, e)
                else:
                    loop.record(ms, None)
                done += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    loop.start = time.perf_counter()
    gate.wait()
    for t in threads:
        t.join()
    m.wall_s = time.perf_counter() - loop.start
    return m
