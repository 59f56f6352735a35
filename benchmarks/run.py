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
The work is done by the sibling modules: ``systems`` (the servers), ``measure`` (queries,
client and timed loops), ``report`` (tables and targets), ``machine`` and ``generate``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # the sibling modules are scripts' neighbours, not a package
from machine import loadavg, machine_info, versions
from measure import (
    Budget,
    Measurement,
    Query,
    Results,
    load_queries,
    measure_concurrent,
    measure_sequential,
)
from report import (
    check_targets,
    fmt_ms,
    markdown_summary,
    render_tables,
    row_mismatches,
)
from systems import ROOT, SYSTEMS, Server, ensure_oxigraph_store, running

__all__ = ["Plan", "Run", "ensure_data", "main", "parser"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def parser() -> argparse.ArgumentParser:
    """The command line (``--help`` lists every option)."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
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
    return ap


@dataclass(frozen=True)
class Plan:
    """What one run measures: servers, queries, modes and the bounds of each loop."""

    systems: list[str]
    queries: list[Query]
    modes: list[str]
    clients: int
    seq: Budget
    conc: Budget

    @classmethod
    def from_args(cls, ap: argparse.ArgumentParser, args: argparse.Namespace) -> Plan:
        systems = [s for s in args.systems.split(",") if s]
        unknown = [s for s in systems if s not in SYSTEMS]
        if unknown:
            ap.error(f"unknown systems: {', '.join(unknown)}")
        seq = Budget(args.warmup, args.max_requests, args.budget, args.min_requests, args.timeout)
        conc = Budget(
            0,
            args.max_requests * 2,
            args.budget,
            max(args.min_requests, args.clients),
            args.timeout,
        )
        return cls(
            systems,
            load_queries([q for q in args.queries.split(",") if q] or None),
            [m for m in args.modes.split(",") if m],
            args.clients,
            seq,
            conc,
        )


@dataclass
class Run:
    """What a run has gathered so far (kept when it is interrupted)."""

    results: Results = field(default_factory=dict)
    servers: dict[str, dict[str, float]] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)
    interrupted: bool = False


def ensure_data(claims: int, seed: int) -> tuple[Path, dict[str, object]]:
    """The generated N-Quads file and its manifest, generated when missing or different."""
    nq = generate.dataset_path(claims)
    manifest = generate.existing_manifest(nq, claims, seed)
    if manifest is None:
        print(f"generating {nq.name} …", flush=True)
        generate.write_dataset(claims, nq, seed)
        manifest = generate.existing_manifest(nq, claims, seed)
        assert manifest is not None
    return nq, manifest


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _start_all(
    stack: contextlib.ExitStack[bool | None],
    plan: Plan,
    files: tuple[Path, Path],
    log_dir: Path,
    run: Run,
    ready_timeout: float,
) -> dict[str, Server]:
    """Every server up at once: an idle server costs memory, not CPU."""
    live: dict[str, Server] = {}
    for name in plan.systems:
        spec = SYSTEMS[name]
        print(f"== {spec.label}: starting …", flush=True)
        server = stack.enter_context(running(spec, *files, log_dir, ready_timeout))
        live[name] = server
        ready = server.ready_after or math.nan
        rss = server.rss_mib()
        print(f"   ready in {ready:.1f} s, RSS {rss:.0f} MiB", flush=True)
        run.servers[name] = {"ready_s": ready, "rss_mib_loaded": rss}
    return live


def _print_measurement(m: Measurement) -> None:
    err = f", {len(m.errors)} errors: {m.errors[0]}" if m.errors else ""
    print(
        f"   {m.query:<15} {m.mode:<4} {m.system:<8} median {fmt_ms(m.median):>7} ms"
        f"  p99 {fmt_ms(m.p99):>7} ms  n={m.n:<4} rows={m.rows}{err}",
        flush=True,
    )


def _time_all(live: dict[str, Server], plan: Plan, run: Run) -> None:
    """Each query on every server in turn, so background load hits the figures alike."""
    for q in plan.queries:
        for mode in plan.modes:
            run.loads.append(loadavg())
            for name, server in live.items():
                if mode == "seq":
                    m = measure_sequential(server.endpoint, q, plan.seq)
                else:
                    m = measure_concurrent(server.endpoint, q, plan.conc, plan.clients)
                    m.rows = run.results.get((name, q.name, "seq"), m).rows
                run.results[(name, q.name, mode)] = m
                _print_measurement(m)
            print(f"   load average (1 min) {loadavg():.2f}", flush=True)
    for name, server in live.items():
        run.servers[name]["rss_mib_after"] = server.rss_mib()


def _header(label: str, manifest: dict[str, object], machine: dict[str, object], run: Run) -> str:
    loads = run.loads
    load_note = (
        f"1-min load average during the run {min(loads):.1f} to {max(loads):.1f}"
        if loads
        else "no load sampled"
    )
    return (
        f"{label} claims ({manifest['quads']:,} quads, {manifest['graphs']:,} graphs); "
        f"{machine['nproc']} CPUs; medians and p99 in ms over n timed requests; {load_note}"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _report(
    args: argparse.Namespace, plan: Plan, run: Run, meta: dict[str, object], stamp: str
) -> None:
    """Print the tables and targets; write the JSON record and the Markdown summary."""
    label, manifest, machine = str(meta["size"]), meta["data"], meta["machine"]
    assert isinstance(manifest, dict)
    assert isinstance(machine, dict)
    header = _header(label, manifest, machine, run)
    mismatches = row_mismatches(run.results, plan.systems, plan.queries)
    targets = check_targets(run.results, plan.queries)
    print("\n" + header + "\n")
    print(render_tables(run.results, plan.systems, plan.queries, plan.clients, markdown=False))
    for line in mismatches:
        print("WARNING " + line)
    if targets:
        print("targets:\n  " + "\n  ".join(targets))
    args.out.mkdir(parents=True, exist_ok=True)
    record = {
        "when": stamp,
        **meta,
        "servers": run.servers,
        "loadavg": run.loads,
        "settings": {k: str(v) for k, v in vars(args).items()},
        "interrupted": run.interrupted,
        "mismatches": mismatches,
        "targets": targets,
        "results": [{**asdict(m), **m.summary()} for m in run.results.values()],
    }
    json_path = args.out / f"{label}-{stamp}.json"
    json_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    tables = render_tables(run.results, plan.systems, plan.queries, plan.clients, markdown=True)
    md = markdown_summary(f"{label} claims", header, tables, run.servers, targets, mismatches)
    md_path = args.out / f"latest-{label}.md"
    md_path.write_text(md, encoding="utf-8")
    print(f"\nwrote {_shown(json_path)} and {_shown(md_path)}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    plan = Plan.from_args(ap, args)
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
        f"Python {machine['python']}, {versions(machine)}"
    )
    store = ensure_oxigraph_store(nq, manifest) if "oxigraph" in plan.systems else nq
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = args.out / "logs" / f"{label}-{stamp}"
    run = Run()
    try:
        with contextlib.ExitStack() as stack:
            live = _start_all(stack, plan, (nq, store), log_dir, run, args.ready_timeout)
            _time_all(live, plan, run)
    except KeyboardInterrupt:
        run.interrupted = True
        print("\ninterrupted: servers stopped; partial results follow", file=sys.stderr)
    meta: dict[str, object] = {"size": label, "data": manifest, "machine": machine}
    _report(args, plan, run, meta, stamp)
    return 130 if run.interrupted else 0


if __name__ == "__main__":
    raise SystemExit(main())
