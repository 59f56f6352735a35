"""Time policykg's SPARQL endpoint against ``oxigraph serve-read-only`` and ``rdflib-endpoint``.

One run, one generated data set, the same queries (``benchmarks/queries/*.rq``) over HTTP
to each server in turn: a warm-up, then a bounded sequential loop and a bounded loop with
``--clients`` concurrent clients (threads, one keep-alive connection each). Every server
answers with the default graph as the union of the named graphs. It prints medians, p99
and ratios, checks that all servers return the same number of rows, and writes a JSON
record and a Markdown summary to ``benchmarks/results/``::

    python benchmarks/run.py --size 10k
    python benchmarks/run.py --size 100k --systems policykg,oxigraph --budget 10
    python benchmarks/run.py --size 1M --systems policykg,oxigraph   # rdflib needs ~30 GB

Servers listen on free loopback ports and are stopped at the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.metadata
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # a sibling script, not a package

__all__ = [
    "SYSTEMS",
    "Measurement",
    "Query",
    "Server",
    "SystemSpec",
    "load_queries",
    "main",
    "percentile",
]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERIES_DIR = HERE / "queries"
RESULTS_DIR = HERE / "results"
BIN = Path(sys.executable).parent

#: Distributions whose versions go into the record.
PACKAGES = ("policykg", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "fastapi", "uvicorn")

TARGET_VS_OXIGRAPH = 1.5  # our median may be at most this many times oxigraph's
TARGET_VS_RDFLIB_JOIN = 20.0  # and at least this many times faster than rdflib's on the join


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    """A benchmark query: its text and the header fields of its ``.rq`` file."""

    name: str
    text: str
    title: str
    accept: str

    @classmethod
    def from_file(cls, path: Path) -> Query:
        text = path.read_text(encoding="utf-8")
        header: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            key, sep, value = line[1:].strip().partition(":")
            if sep and key.strip().isidentifier():
                header[key.strip()] = value.strip()
        return cls(
            name=path.stem,
            text=text,
            title=header.get("title", path.stem),
            accept=header.get("accept", "application/sparql-results+json"),
        )


#: The order results are shown in.
QUERY_ORDER = (
    "point_lookup",
    "company_profile",
    "selective_join",
    "aggregate",
    "property_path",
    "export",
)


def load_queries(names: Sequence[str] | None = None) -> list[Query]:
    """The ``.rq`` files of ``benchmarks/queries``, in the canonical order."""
    found = {p.stem: Query.from_file(p) for p in QUERIES_DIR.glob("*.rq")}
    order = [n for n in QUERY_ORDER if n in found] + sorted(set(found) - set(QUERY_ORDER))
    if names:
        missing = [n for n in names if n not in found]
        if missing:
            raise SystemExit(f"unknown queries: {', '.join(missing)} (have {', '.join(order)})")
        order = [n for n in order if n in names]
    return [found[n] for n in order]


def count_rows(body: bytes, accept: str) -> int:
    """Rows in a SPARQL result body (JSON or CSV/TSV with a header line).

    >>> count_rows(b'{"results": {"bindings": [{}, {}]}}', "application/sparql-results+json")
    2
    >>> count_rows(b"a,b\\r\\n1,2\\r\\n3,4\\r\\n", "text/csv")
    2
    """
    if "json" in accept:
        doc = json.loads(body)
        if "boolean" in doc:
            return 1
        return len(doc["results"]["bindings"])
    lines = body.splitlines()
    return max(0, len([x for x in lines if x.strip()]) - 1)


# --------------------------------------------------------------------------- servers


@dataclass(frozen=True)
class SystemSpec:
    """How to start one SPARQL server on a port and where it answers queries."""

    name: str
    label: str
    path: str
    argv: Callable[[Path, Path, int], list[str]]  # (nquads file, oxigraph store, port)
    #: After the first answer, whether the server has finished warming up (given its port).
    warmed: Callable[[int], bool] | None = None


def _policykg_warmed(port: int) -> bool:
    """policykg answers from its workers first; its in-process copy for lookups comes later."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        health = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    return health.get("inline") != "loading"


SYSTEMS: dict[str, SystemSpec] = {
    "policykg": SystemSpec(
        "policykg",
        "policykg serve",
        "/sparql",
        lambda nq, _store, port: [
            str(BIN / "policykg"), "serve", "--data", str(nq), "--union-default-graph",
            "--host", "127.0.0.1", "--port", str(port),
        ],
        _policykg_warmed,
    ),
    "oxigraph": SystemSpec(
        "oxigraph",
        "oxigraph serve-read-only",
        "/query",
        lambda _nq, store, port: [
            str(BIN / "oxigraph"), "serve-read-only", "--location", str(store),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph",
        ],
    ),
    "rdflib": SystemSpec(
        "rdflib",
        "rdflib-endpoint",
        "/",
        lambda nq, _store, port: [
            str(BIN / "rdflib-endpoint"), "serve", str(nq),
            "--host", "127.0.0.1", "--port", str(port),
        ],
    ),
}  # fmt: skip


def free_port() -> int:
    """A loopback port nobody listens on (bind port 0, read it back, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _process_tree_rss_kib(pid: int) -> int:
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


class Server:
    """A server subprocess in its own process group, stopped by :meth:`stop`."""

    def __init__(self, spec: SystemSpec, argv: list[str], port: int, log: Path) -> None:
        self.spec = spec
        self.port = port
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        self.ready_after: float | None = None

    def wait_ready(self, timeout: float) -> float:
        """Poll with ``ASK {}`` until the server answers 200 and has warmed up; return
        seconds since start."""
        deadline = time.monotonic() + timeout
        query = urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.spec.label} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request(
                    "GET",
                    f"{self.spec.path}?{query}",
                    headers={"Accept": "application/sparql-results+json"},
                )
                resp = conn.getresponse()
                resp.read()
                conn.close()
                warmed = self.spec.warmed
                if resp.status == 200 and (warmed is None or warmed(self.port)):
                    self.ready_after = time.perf_counter() - self.started
                    return self.ready_after
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.spec.label} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def rss_mib(self) -> float:
        return _process_tree_rss_kib(self.proc.pid) / 1024

    def log_tail(self, lines: int = 20) -> str:
        self._log_file.flush()
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self._log_file.close()


# --------------------------------------------------------------------------- measuring


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); with fewer than 100 samples p99 is the max.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile(list(range(1, 201)), 99)
    (2.0, 198)
    """
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


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


class Client:
    """One keep-alive HTTP/1.1 connection to a SPARQL endpoint (``http.client``: the
    cheapest Python client, so that client overhead stays small next to server time)."""

    def __init__(self, port: int, path: str, timeout: float) -> None:
        self.port, self.path, self.timeout = port, path, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, query: Query) -> tuple[float, bytes]:
        """Send the query (GET), read the whole body; return (ms, body) or raise."""
        target = f"{self.path}?{urllib.parse.urlencode({'query': query.text})}"
        headers = {"Accept": query.accept, "Accept-Encoding": "identity"}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            t0 = time.perf_counter()
            try:
                self.conn.request("GET", target, headers=headers)
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
class Budget:
    """Bounds of one measurement loop."""

    warmup: int
    max_requests: int
    seconds: float
    min_requests: int
    timeout: float


def measure_sequential(server: Server, query: Query, budget: Budget) -> Measurement:
    m = Measurement(server.spec.name, query.name, "seq", 1)
    client = Client(server.port, server.spec.path, budget.timeout)
    try:
        warm_until = time.perf_counter() + budget.seconds / 3
        for i in range(budget.warmup):  # at least one; more while they are cheap
            if i and time.perf_counter() > warm_until:
                break
            _ms, body = client.get(query)
            m.rows, m.bytes = count_rows(body, query.accept), len(body)
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


def measure_concurrent(server: Server, query: Query, budget: Budget, clients: int) -> Measurement:
    """``clients`` threads, each looping on its own connection, until the shared request
    budget or the time budget is spent (every client completes at least one request)."""
    m = Measurement(server.spec.name, query.name, "conc", clients)
    lock = threading.Lock()
    issued = 0
    start_gate = threading.Barrier(clients + 1)
    start = 0.0

    def worker() -> None:
        nonlocal issued
        client = Client(server.port, server.spec.path, budget.timeout)
        done = 0
        try:
            start_gate.wait()
            while True:
                with lock:
                    elapsed = time.perf_counter() - start
                    over = issued >= budget.max_requests or (
                        elapsed >= budget.seconds and issued >= budget.min_requests
                    )
                    if over and done > 0:
                        return
                    if len(m.errors) >= 3:
                        return
                    issued += 1
                try:
                    ms, _body = client.get(query)
                except Exception as e:  # noqa: BLE001
                    with lock:
                        m.errors.append(repr(e))
                    done += 1
                    continue
                done += 1
                with lock:
                    m.latencies_ms.append(ms)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    m.wall_s = time.perf_counter() - start
    return m


# --------------------------------------------------------------------------- data and machine


def ensure_data(claims: int, seed: int) -> tuple[Path, dict[str, object]]:
    nq = generate.dataset_path(claims)
    manifest_path = nq.with_suffix(".json")
    ok = nq.exists() and manifest_path.exists()
    if ok:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        ok = manifest.get("claims_requested") == claims and manifest.get("seed") == seed
    if not ok:
        print(f"generating {nq.name} …", flush=True)
        generate.write_dataset(claims, nq, seed)
    return nq, json.loads(manifest_path.read_text(encoding="utf-8"))


def ensure_oxigraph_store(nq: Path, manifest: dict[str, object]) -> Path:
    """An on-disk Oxigraph store for ``oxigraph serve-read-only``, rebuilt when the data changed."""
    store = nq.with_name(nq.stem + ".oxigraph")
    stamp = store / "policykg-bench-stamp.json"
    wanted = json.dumps(manifest, sort_keys=True)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return store
    if store.exists():
        subprocess.run(["rm", "-rf", "--", str(store)], check=True)
    print(f"loading {nq.name} into {store.name} with `oxigraph load` …", flush=True)
    t0 = time.perf_counter()
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(nq)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    stamp.write_text(wanted, encoding="utf-8")
    return store


def loadavg() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _versions(machine: dict[str, object]) -> str:
    packages = machine["packages"]
    assert isinstance(packages, dict)
    return ", ".join(f"{k} {v}" for k, v in packages.items())


def machine_info() -> dict[str, object]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout
        mem = next((ln for ln in free.splitlines() if ln.startswith("Mem:")), "?")
        mem = "total " + mem.split()[1] if mem != "?" else mem
    commit = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": {d: _version(d) for d in PACKAGES},
        "commit": commit,
    }


# --------------------------------------------------------------------------- reporting


def _fmt_ms(x: float) -> str:
    if math.isnan(x):
        return "-"
    return f"{x:.2f}" if x < 10 else (f"{x:.1f}" if x < 100 else f"{x:.0f}")


def _ratio(a: float, b: float) -> str:
    if math.isnan(a) or math.isnan(b) or b == 0:
        return "-"
    return f"{a / b:.2f}x" if a / b < 10 else f"{a / b:.0f}x"


def render_tables(
    results: dict[tuple[str, str, str], Measurement],
    systems: Sequence[str],
    queries: Sequence[Query],
    clients: int,
    markdown: bool,
) -> str:
    out: list[str] = []
    for mode, title in (("seq", "sequential"), ("conc", f"{clients} concurrent clients")):
        if not any(k[2] == mode for k in results):
            continue
        head = ["query", *(f"{SYSTEMS[s].label} median / p99 ms (n)" for s in systems)]
        if "policykg" in systems and "oxigraph" in systems:
            head.append("ours ÷ oxigraph")
        if "policykg" in systems and "rdflib" in systems:
            head.append("rdflib ÷ ours")
        if mode == "conc":
            head.append("req/s " + " / ".join(systems))
        rows: list[list[str]] = []
        for q in queries:
            cells = [q.name]
            med: dict[str, float] = {}
            for s in systems:
                m = results.get((s, q.name, mode))
                if m is None:
                    cells.append("-")
                    continue
                med[s] = m.median
                err = f" {len(m.errors)} err" if m.errors else ""
                cells.append(f"{_fmt_ms(m.median)} / {_fmt_ms(m.p99)} ({m.n}){err}")
            nan = math.nan
            if "policykg" in systems and "oxigraph" in systems:
                cells.append(_ratio(med.get("policykg", nan), med.get("oxigraph", nan)))
            if "policykg" in systems and "rdflib" in systems:
                cells.append(_ratio(med.get("rdflib", nan), med.get("policykg", nan)))
            if mode == "conc":
                tps = [results.get((s, q.name, mode)) for s in systems]
                cells.append(" / ".join(f"{t.throughput:.1f}" if t else "-" for t in tps))
            rows.append(cells)
        out.append(f"{'### ' if markdown else ''}{title.capitalize()}\n")
        out.append(_table(head, rows, markdown))
    return "\n".join(out)


def _table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*head), *(fmt.format(*r) for r in rows)]) + "\n"


def check_targets(
    results: dict[tuple[str, str, str], Measurement], queries: Sequence[Query]
) -> list[str]:
    lines: list[str] = []
    for q in queries:
        ours = results.get(("policykg", q.name, "seq"))
        ox = results.get(("oxigraph", q.name, "seq"))
        if ours and ox and ours.n and ox.n:
            r = ours.median / ox.median
            ok = "met" if r <= TARGET_VS_OXIGRAPH else "MISSED"
            lines.append(
                f"{q.name}: ours {_fmt_ms(ours.median)} ms vs oxigraph {_fmt_ms(ox.median)} ms"
                f" = {r:.2f}x (target ≤ {TARGET_VS_OXIGRAPH}x): {ok}"
            )
    ours = results.get(("policykg", "selective_join", "seq"))
    rdf = results.get(("rdflib", "selective_join", "seq"))
    if ours and rdf and ours.n and rdf.n:
        r = rdf.median / ours.median
        ok = "met" if r >= TARGET_VS_RDFLIB_JOIN else "MISSED"
        lines.append(
            f"selective_join: rdflib-endpoint {_fmt_ms(rdf.median)} ms ÷ ours"
            f" {_fmt_ms(ours.median)} ms = {r:.1f}x (target ≥ {TARGET_VS_RDFLIB_JOIN:.0f}x): {ok}"
        )
    return lines


# --------------------------------------------------------------------------- main


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def running(
    spec: SystemSpec, nq: Path, store: Path, log_dir: Path, ready_timeout: float
) -> Iterator[Server]:
    port = free_port()
    server = Server(spec, spec.argv(nq, store, port), port, log_dir / f"{spec.name}.log")
    try:
        server.wait_ready(ready_timeout)
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=generate.parse_size, default=generate.SIZES["10k"])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--systems",
        default="policykg,oxigraph,rdflib",
        help="comma-separated, from: " + ", ".join(SYSTEMS),
    )
    ap.add_argument("--queries", default="", help="comma-separated query names (default: all)")
    ap.add_argument("--modes", default="seq,conc", help="seq, conc or both")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    ap.add_argument("--max-requests", type=int, default=200, help="per query, system and mode")
    ap.add_argument("--min-requests", type=int, default=5, help="even when over --budget")
    ap.add_argument("--budget", type=float, default=15.0, help="seconds per query, system, mode")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per request")
    ap.add_argument("--ready-timeout", type=float, default=3600.0, help="seconds to start")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = ap.parse_args(argv)  # fmt: skip

    systems = [s for s in args.systems.split(",") if s]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        ap.error(f"unknown systems: {', '.join(unknown)}")
    modes = [m for m in args.modes.split(",") if m]
    queries = load_queries([q for q in args.queries.split(",") if q] or None)
    budget = Budget(args.warmup, args.max_requests, args.budget, args.min_requests, args.timeout)
    conc_budget = Budget(
        0, args.max_requests * 2, args.budget, max(args.min_requests, args.clients), args.timeout
    )
    signal.signal(signal.SIGTERM, _on_sigterm)

    machine = machine_info()
    nq, manifest = ensure_data(args.size, args.seed)
    label = generate.size_label(args.size)
    print(
        f"data: {nq.name}: {manifest['claims']:,} claims, {manifest['sources']:,} sources, "
        f"{manifest['graphs']:,} graphs, {manifest['quads']:,} quads"
    )
    print(
        f"machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']}, "
        f"Python {machine['python']}, {_versions(machine)}"
    )
    store = ensure_oxigraph_store(nq, manifest) if "oxigraph" in systems else nq
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = args.out / "logs" / f"{label}-{stamp}"

    results: dict[tuple[str, str, str], Measurement] = {}
    servers: dict[str, dict[str, float]] = {}
    interrupted = False
    loads: list[float] = []
    try:
        with contextlib.ExitStack() as stack:
            # all servers up at once (an idle server costs memory, not CPU), then each query
            # is timed on every server in turn: background load on a shared machine then
            # hits the figures being compared alike
            live: dict[str, Server] = {}
            for name in systems:
                spec = SYSTEMS[name]
                print(f"== {spec.label}: starting …", flush=True)
                server = stack.enter_context(running(spec, nq, store, log_dir, args.ready_timeout))
                live[name] = server
                ready = server.ready_after or math.nan
                rss = server.rss_mib()
                print(f"   ready in {ready:.1f} s, RSS {rss:.0f} MiB", flush=True)
                servers[name] = {"ready_s": ready, "rss_mib_loaded": rss}
            for q in queries:
                for mode in modes:
                    loads.append(loadavg())
                    for name, server in live.items():
                        if mode == "seq":
                            m = measure_sequential(server, q, budget)
                        else:
                            m = measure_concurrent(server, q, conc_budget, args.clients)
                            m.rows = results.get((name, q.name, "seq"), m).rows
                        results[(name, q.name, mode)] = m
                        err = f", {len(m.errors)} errors: {m.errors[0]}" if m.errors else ""
                        print(
                            f"   {q.name:<15} {mode:<4} {name:<8} median {_fmt_ms(m.median):>7} ms"
                            f"  p99 {_fmt_ms(m.p99):>7} ms  n={m.n:<4} rows={m.rows}{err}",
                            flush=True,
                        )
                    print(f"   load average (1 min) {loadavg():.2f}", flush=True)
            for name, server in live.items():
                servers[name]["rss_mib_after"] = server.rss_mib()
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: servers stopped; partial results follow", file=sys.stderr)

    # same answers everywhere?
    mismatches = []
    for q in queries:
        counts = {
            s: results[(s, q.name, "seq")].rows for s in systems if (s, q.name, "seq") in results
        }
        if len(set(counts.values())) > 1:
            mismatches.append(f"{q.name}: row counts differ: {counts}")

    load_note = (
        f"1-min load average during the run {min(loads):.1f} to {max(loads):.1f}"
        if loads
        else "no load sampled"
    )
    header = (
        f"{label} claims ({manifest['quads']:,} quads, {manifest['graphs']:,} graphs); "
        f"{machine['nproc']} CPUs; medians and p99 in ms over n timed requests; {load_note}"
    )
    targets = check_targets(results, queries)
    print("\n" + header + "\n")
    print(render_tables(results, systems, queries, args.clients, markdown=False))
    for line in mismatches:
        print("WARNING " + line)
    if targets:
        print("targets:\n  " + "\n  ".join(targets))

    args.out.mkdir(parents=True, exist_ok=True)
    record = {
        "when": stamp,
        "size": label,
        "data": manifest,
        "machine": machine,
        "servers": servers,
        "loadavg": loads,
        "settings": {k: str(v) for k, v in vars(args).items()},
        "interrupted": interrupted,
        "mismatches": mismatches,
        "targets": targets,
        "results": [{**asdict(m), **m.summary()} for m in results.values()],
    }
    json_path = args.out / f"{label}-{stamp}.json"
    json_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    md = [f"## {label} claims\n", header + "\n"]
    md.append(render_tables(results, systems, queries, args.clients, markdown=True))
    md.append(
        "Start-up (ready) and memory: "
        + "; ".join(
            f"{SYSTEMS[s].label} {v['ready_s']:.1f} s, "
            f"{v.get('rss_mib_after', v['rss_mib_loaded']):.0f} MiB"
            for s, v in servers.items()
        )
        + "\n"
    )
    if targets:
        md.append("Targets:\n\n" + "\n".join(f"- {t}" for t in targets) + "\n")
    if mismatches:
        md.append("\n".join(f"- WARNING {x}" for x in mismatches) + "\n")
    md_path = args.out / f"latest-{label}.md"
    md_path.write_text("\n".join(md), encoding="utf-8")
    print(f"\nwrote {_shown(json_path)} and {_shown(md_path)}")
    return 130 if interrupted else 0


if __name__ == "__main__":
    raise SystemExit(main())
