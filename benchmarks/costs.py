"""Costs at one size: build, validation, store size, memory, start-up, check, query latency.

One run per size, every step in this process's children, each measured on its own::

    python benchmarks/costs.py --size 10k            # results/costs-10k.json
    python benchmarks/costs.py --size 100k --build-timeout 900
    python benchmarks/costs_plot.py                  # the PNG and table from results/

1. ``sources``: the synthetic graph as TriG source files (``generate.py --sources``).
2. ``build``: ``policykg build`` of those sources into an empty ``dist/``, with its wall
   and CPU time, peak memory (``wait4``'s ``ru_maxrss``), and its steps' times (reading,
   validating, ...) as it prints them; stopped after ``--build-timeout`` seconds (the
   step it was in is kept). When it did not finish (or with ``--build-timeout 0``), the
   store is made from the same files without validation (one pyoxigraph ``bulk_load`` of
   them all, ``nice``-d by the caller if wanted), so the other steps still run on the
   same data.
3. ``check``: ``policykg check`` of one new source file against that store, three times.
4. ``serve``: ``policykg serve`` on the store (the default: workers start on disk and are
   replaced by memory copies) and ``oxigraph serve-read-only`` on the same store
   directory, started together: seconds to the first answer, seconds until policykg's
   memory copies are in service (or refused: ``/healthz`` is kept), and the resident
   memory of each process tree then and each second (its peak and a few samples).
5. ``queries``: the benchmark queries (``queries/*.rq``, or ``--queries``), sequential,
   interleaved between the servers, a few seconds each; each server's memory right after
   them and again after ``IDLE_S`` seconds idle.

The machine is shared: the load average is recorded before and after, CPU seconds beside
wall seconds, and the servers' figures are meant to be compared within a run. The API over
remote stores (Oxigraph server, Virtuoso) is timed by ``backends.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from generate import parse_size, size_label
from machine import loadavg, machine_info
from measure import Budget, Endpoint, load_queries, measure_sequential, process_tree_rss_kib
from systems import BIN, free_port
from vocabulary import BASE

__all__ = ["main", "new_source", "run_size"]

HERE = Path(__file__).resolve().parent
#: Seconds both servers are left idle after the queries before their memory is read again.
IDLE_S = 5.0
#: One JSON file per size (committed: they are the figures in README.md).
RESULTS = HERE / "costs"
_STEP = re.compile(r"^✓ (?P<step>.+) \((?P<s>[\d.]+) s(, (?P<cpu>[\d.]+) s CPU)?\)$")


def _timed(argv: list[str], env: dict[str, str], timeout: float, log: Path) -> dict[str, Any]:
    """Run a command to its end (or ``timeout``); its wall and CPU seconds and peak memory."""
    start = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        timer = time.monotonic() + timeout
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > timer:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    return {
        "wall_s": round(time.perf_counter() - start, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "exit": proc.returncode,
        "finished": proc.returncode >= 0,
        "steps": {m["step"]: float(m["s"]) for m in map(_STEP.match, text.splitlines()) if m},
        "steps_cpu_s": {
            m["step"]: float(m["cpu"])
            for m in map(_STEP.match, text.splitlines())
            if m and m["cpu"]
        },
        "tail": text.splitlines()[-3:],
    }


def _sources(claims: int, root: Path, seed: int) -> dict[str, Any]:
    manifest = root / "manifest.json"
    if manifest.exists():
        made = json.loads(manifest.read_text(encoding="utf-8"))
        if made.get("claims_requested") == claims and made.get("seed") == seed:
            return dict(made)
    argv = [sys.executable, str(HERE / "generate.py"), "--size", str(claims),
            "--seed", str(seed), "--sources", str(root)]  # fmt: skip
    subprocess.run(argv, check=True, cwd=HERE)
    return dict(json.loads(manifest.read_text(encoding="utf-8")))


def _du_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


class _Concatenated(io.RawIOBase):
    """Files read one after the other as one stream (for one ``bulk_load`` of them all)."""

    def __init__(self, paths: list[Path], head: bytes = b"") -> None:
        self.paths, self.current = iter(paths), io.BytesIO(head)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            n = self.current.readinto(buffer)
            if n:
                return int(n)
            following = next(self.paths, None)
            if following is None:
                return 0
            self.current.close()
            self.current = following.open("rb")

    def close(self) -> None:
        self.current.close()
        super().close()


def _unvalidated_store(root: Path, dist: Path) -> Path:
    """The sources loaded as they are into ``dist/stores/unvalidated``, linked as ``dist/store``.

    One ``Store.bulk_load`` of one TriG stream: the ontology's Turtle files, written as TriG
    in the ontology graph, then every TriG source file after the other (a ``bulk_load`` per
    file wrote 500 MB of the 1M store in 78 minutes: each one writes and ingests its own
    files). A stream is one document for the parser, so blank-node labels are shared
    across files: the generator's carry their source's number (``_:i<source>x<claim>``),
    so they stay apart as they do when a build reads the files one by one.
    """
    target = dist / "stores" / "unvalidated"
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    ontology = ox.NamedNode(BASE + "graph/ontology")
    head = ox.serialize(
        [
            ox.Quad(t.subject, t.predicate, t.object, ontology)
            for path in sorted((root / "ontology").glob("*.ttl"))
            if path.name not in ("shapes.ttl", "advice.ttl")
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
        ],
        format=ox.RdfFormat.TRIG,
    )
    files = [root / "graph" / "entities.trig", *sorted((root / "graph" / "sources").glob("*.trig"))]
    store = ox.Store(str(target))
    with _Concatenated(files, head) as stream:
        store.bulk_load(input=io.BufferedReader(stream, 1 << 20), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    link = dist / "store"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path("stores") / "unvalidated")
    return target


def new_source(root: Path, into: Path) -> Path:
    """A new source file: the first generated source, under a new identifier."""
    first = min((root / "graph" / "sources").glob("*.trig"))
    text = first.read_text(encoding="utf-8").replace(first.stem, "s9999999")
    path = into / "s9999999.trig"
    path.write_text(text, encoding="utf-8")
    return path


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # a loaded machine
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class _Server:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, log: Path):
        self.name, self.port, self.path = name, port, "/sparql" if name == "policykg" else "/query"
        self.log = log.open("wb")
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip
        self.first: float | None = None

    def answers(self) -> bool:
        with contextlib.suppress(OSError):
            status, _ = _get(self.port, self.path + "?query=ASK%7B%7D")
            if status == 200 and self.first is None:
                self.first = round(time.perf_counter() - self.start, 2)
            return status == 200
        return False

    def rss_mib(self) -> float:
        return round(process_tree_rss_kib(self.proc.pid) / 1024, 1)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


class _Sampler(threading.Thread):
    """Each server's resident memory (its process tree) every ``every`` seconds, from start."""

    def __init__(self, servers: list[_Server], every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.servers, self.every, self.done = servers, every, threading.Event()
        self.samples: dict[str, list[tuple[float, float]]] = {s.name: [] for s in servers}
        self.load: list[float] = []  # the 1-minute load average, each second

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.load.append(os.getloadavg()[0])
            for s in self.servers:
                if s.proc.poll() is None:
                    mib = s.rss_mib()
                    self.samples[s.name].append((round(time.perf_counter() - s.start, 1), mib))

    def report(self, name: str, points: int = 40) -> dict[str, Any]:
        """Peak MiB and when, and at most ``points`` samples (every n-th, and the last)."""
        samples = self.samples[name]
        if not samples:
            return {}
        step = max(1, len(samples) // points)
        kept = [*samples[::step], *([samples[-1]] if (len(samples) - 1) % step else [])]
        at, peak = max(samples, key=lambda s: s[1])
        return {"peak_rss_mib": peak, "peak_rss_at_s": at, "rss_series_s_mib": kept}


def _warmed(server: _Server) -> bool:
    """policykg: memory copies in service and the lookup copy loaded."""
    try:
        status, body = _get(server.port, "/healthz")
    except OSError:  # a time-out on a loaded machine: ask again
        return False
    health = json.loads(body) if status == 200 else {}
    return not health.get("copying", True) and health.get("inline") not in ("loading", None)


def _serve(
    dist: Path,
    work: Path,
    seconds: float,
    timeout: float,
    *,
    on_disk: bool = False,
    queries: list[str] | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    store = (dist / "store").resolve()
    env = dict(os.environ, POLICYKG_DIST=str(dist))
    servers = []
    port = free_port()
    argv = [str(BIN / "policykg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if on_disk:  # the workers and lookups stay on the read-only on-disk store
        argv.append("--on-disk")
    if workers is not None:
        argv += ["--workers", str(workers)]
    servers.append(_Server("policykg", argv, env, port, work / "policykg.log"))
    port = free_port()
    servers.append(_Server("oxigraph", [str(BIN / "oxigraph"), "serve-read-only", "--location",
                                        str(store), "--bind", f"127.0.0.1:{port}",
                                        "--union-default-graph"], env, port, work / "oxigraph.log"))  # fmt: skip
    out: dict[str, Any] = {}
    sampler = _Sampler(servers)
    sampler.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answered = [s.answers() for s in servers]  # every server, each round
            if all(answered):
                break
            if any(s.proc.poll() is not None for s in servers):
                raise RuntimeError("a server exited; see the logs in " + str(work))
            time.sleep(0.1)
        for s in servers:
            out[s.name] = {"first_answer_s": s.first, "rss_at_first_answer_mib": s.rss_mib()}
        pk = servers[0]
        while time.monotonic() < deadline and not on_disk and not _warmed(pk):
            time.sleep(0.2)
        out["policykg"]["memory_copies_s"] = round(time.perf_counter() - pk.start, 2)
        with contextlib.suppress(OSError, ValueError):
            out["policykg"]["healthz"] = json.loads(_get(pk.port, "/healthz")[1])
        for s in servers:
            out[s.name]["rss_mib"] = s.rss_mib()
        budget = Budget(warmup=2, max_requests=50, seconds=seconds, min_requests=3, timeout=300)
        latencies: dict[str, dict[str, float]] = {s.name: {} for s in servers}
        errors: dict[str, dict[str, str]] = {s.name: {} for s in servers}
        for query in load_queries(queries):
            for s in servers:
                try:
                    m = measure_sequential(Endpoint(s.name, s.port, s.path), query, budget)
                except (http.client.HTTPException, OSError, RuntimeError) as err:  # time limit
                    errors[s.name][query.name] = f"{type(err).__name__}: {str(err)[:100]}"
                    latencies[s.name][query.name] = float("nan")
                    continue
                latencies[s.name][query.name] = round(m.median, 2) if m.n else float("nan")
        for s in servers:
            out[s.name]["median_ms"] = latencies[s.name]
            if errors[s.name]:
                out[s.name]["errors"] = errors[s.name]
            out[s.name]["rss_after_queries_mib"] = s.rss_mib()
        time.sleep(IDLE_S)  # both servers idle: what they keep between bursts of queries
        for s in servers:
            out[s.name]["rss_idle_mib"] = s.rss_mib()
    finally:
        sampler.done.set()
        sampler.join()
        for s in servers:
            s.stop()
    for s in servers:
        out.setdefault(s.name, {}).update(sampler.report(s.name))
    if sampler.load:
        out["load_min_max"] = [min(sampler.load), max(sampler.load)]
    return out


def run_size(claims: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every step at one size; the results as a JSON-ready dict."""
    work.mkdir(parents=True, exist_ok=True)
    root, dist = work / "root", work / "dist"
    result: dict[str, Any] = {"claims": claims, "load_before": loadavg()}
    result["sources"] = _sources(claims, root, args.seed)
    env = dict(
        os.environ, POLICYKG_ROOT=str(root), POLICYKG_DIST=str(dist), POLICYKG_STEP_CPU="true"
    )
    print(f"[{size_label(claims)}] building …", flush=True)
    earlier = RESULTS / f"costs-{size_label(claims)}.json"
    if args.reuse_store and (dist / "store").exists():
        build = {"skipped": True, "finished": False, "exit": None, "reused_store": True}
        if earlier.exists():  # keep what the run that made the store measured
            kept = json.loads(earlier.read_text(encoding="utf-8"))
            build = kept.get("build", build)
            result.update({k: v for k, v in kept.items() if k.startswith("unvalidated_load")})
    elif args.build_timeout > 0:
        # a build from nothing: over an earlier run's dist/, a build of the same sources
        # reuses its store and dumps (the same version) and skips most of its work
        shutil.rmtree(dist, ignore_errors=True)
        build = _timed(
            [str(BIN / "policykg"), "build"], env, args.build_timeout, work / "build.log"
        )
    else:
        build = {"skipped": True, "finished": False, "exit": None}
    result["build"] = build
    if not args.reuse_store and (not build["finished"] or build["exit"] != 0):
        print(
            f"[{size_label(claims)}] build did not finish: loading without validation", flush=True
        )
        started = time.perf_counter()
        _unvalidated_store(root, dist)
        result["unvalidated_load_s"] = round(time.perf_counter() - started, 2)
    result["store_mib"] = _du_mib((dist / "store").resolve())
    print(f"[{size_label(claims)}] checking one new file …", flush=True)
    new = new_source(root, work)
    checks = [
        _timed([str(BIN / "policykg"), "check", str(new)], env, 600, work / "check.log")
        for _ in range(3)
    ]
    result["check"] = checks[0]  # the first: the store's files not in the page cache yet
    result["check_repeats"] = [
        {k: c[k] for k in ("wall_s", "cpu_s", "peak_mib", "exit")} for c in checks[1:]
    ]
    result["check_load"] = loadavg()
    (work / "partial.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"[{size_label(claims)}] serving …", flush=True)
    result["serve"] = _serve(dist, work, args.seconds, args.ready_timeout, queries=args.queries)
    result["load_after"] = loadavg()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=parse_size, action="append", help="10k, 100k, 1M (repeatable)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--work", type=Path, default=HERE / "data" / "costs", help="scratch folder")
    ap.add_argument("--build-timeout", type=float, default=1800, help="0: no build")
    ap.add_argument("--ready-timeout", type=float, default=1800)
    ap.add_argument(
        "--reuse-store", action="store_true", help="keep a store an earlier run left in --work"
    )
    ap.add_argument("--seconds", type=float, default=3, help="time budget per query and server")
    ap.add_argument(
        "--workers",
        type=int,
        help="with --on-disk: policykg serve --workers N (the figures go under "
        "serve_on_disk_workers<N>)",
    )
    ap.add_argument(
        "--queries",
        type=lambda text: text.split(","),
        help="comma-separated benchmark queries to time (default: all of queries/*.rq)",
    )
    ap.add_argument(
        "--on-disk",
        action="store_true",
        help="only serve again, with policykg serve --on-disk, on the store an earlier run "
        "left in --work; add the figures to that run's JSON as serve_on_disk",
    )
    args = ap.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    if args.on_disk:
        for claims in args.size or [10_000]:
            out = RESULTS / f"costs-{size_label(claims)}.json"
            result = json.loads(out.read_text(encoding="utf-8"))
            work = args.work / size_label(claims)
            print(f"[{size_label(claims)}] serving --on-disk …", flush=True)
            before = loadavg()
            key = "serve_on_disk" + (f"_workers{args.workers}" if args.workers else "")
            result[key] = _serve(
                work / "dist",
                work,
                args.seconds,
                args.ready_timeout,
                on_disk=True,
                queries=args.queries,
                workers=args.workers,
            )
            result[key]["load_before_after"] = [before, loadavg()]
            out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            print(f"[{size_label(claims)}] wrote {out}", flush=True)
        return 0
    for claims in args.size or [10_000]:
        label = size_label(claims)
        result = run_size(claims, args.work / label, args)
        result["machine"] = machine_info()
        result["self_rusage_maxrss_mib"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        out = RESULTS / f"costs-{label}.json"
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"[{label}] wrote {out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
