"""The costs runs as a picture and a table: ``costs/costs.png`` and Markdown on stdout.

Reads ``costs/costs-<size>.json`` (written by ``costs.py``), one per size, and draws each
cost against the number of claims on log-log axes, policykg beside
``oxigraph serve-read-only`` where both were measured::

    python benchmarks/costs_plot.py > /tmp/table.md
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "costs"

__all__ = ["load_runs", "main", "table"]


def load_runs(folder: Path = FOLDER) -> list[dict[str, Any]]:
    """Every run, smallest first."""
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("costs-*.json")]
    return sorted(runs, key=lambda r: int(r["claims"]))


def _get(run: dict[str, Any], *keys: str) -> float | None:
    value: Any = run
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) and not math.isnan(value) else None


def _build_seconds(run: dict[str, Any], what: str) -> float | None:
    build = run.get("build", {})
    if not build.get("finished") or build.get("exit") != 0:
        return None
    if what == "wall":
        return _get(run, "build", "wall_s")
    steps = build.get("steps", {})
    return next((float(s) for step, s in steps.items() if step.startswith("validating")), None)


def _step_cpu(run: dict[str, Any], prefix: str) -> float | None:
    """A build step's CPU seconds (``costs.py`` records them as ``steps_cpu_s``)."""
    steps = run.get("build", {}).get("steps_cpu_s", {})
    return next((float(s) for step, s in steps.items() if step.startswith(prefix)), None)


def _with_copies(run: dict[str, Any], key: str) -> float | None:
    """A figure of the default serve once its memory copies are in service; None when they
    were refused (a store over ``memory_max_quads``: ``/healthz`` lists no memory reader)."""
    readers = run.get("serve", {}).get("policykg", {}).get("healthz", {}).get("readers")
    if readers is not None and "memory" not in readers:
        return None
    return _get(run, "serve", "policykg", key)


ROWS: list[tuple[str, Any]] = [
    ("build, wall s", lambda r: _build_seconds(r, "wall")),
    ("build CPU s", lambda r: _get(r, "build", "cpu_s") if _build_seconds(r, "wall") else None),
    ("of which validation, wall s", lambda r: _build_seconds(r, "validate")),
    ("of which reading, CPU s", lambda r: _step_cpu(r, "reading")),
    ("of which deriving (the asserted graph, the text to canonicalise), CPU s",
     lambda r: _step_cpu(r, "deriving")),
    ("of which validation, CPU s", lambda r: _step_cpu(r, "validating")),
    # From 100,000 quads on a second process canonicalises, and writes the RDF dumps: its
    # CPU is in none of these rows, and the steps that wait for it say so.
    ("of which the network's files, CPU s", lambda r: _step_cpu(r, "writing the network")),
    ("of which canonicalising (what is left of it then), CPU s",
     lambda r: _step_cpu(r, "canonicalising")),
    ("of which writing the store, CPU s", lambda r: _step_cpu(r, "writing the store")),
    ("of which the search index, CPU s", lambda r: _step_cpu(r, "writing the search index")),
    ("of which the other dumps (what is left of them then), CPU s",
     lambda r: _step_cpu(r, "writing the dumps")),
    ("of which describing the dataset, CPU s", lambda r: _step_cpu(r, "describing")),
    ("build peak MiB", lambda r: _get(r, "build", "peak_mib") if _build_seconds(r, "wall") else None),
    ("no build: sources bulk-loaded unvalidated, wall s", lambda r: _get(r, "unvalidated_load_s")),
    ("store MiB", lambda r: _get(r, "store_mib")),
    ("check one new file, wall s", lambda r: _get(r, "check", "wall_s")),
    ("check CPU s", lambda r: _get(r, "check", "cpu_s")),
    ("check peak MiB", lambda r: _get(r, "check", "peak_mib")),
    ("policykg first answer s", lambda r: _get(r, "serve", "policykg", "first_answer_s")),
    ("policykg memory copies in service s", lambda r: _with_copies(r, "memory_copies_s")),
    ("oxigraph first answer s", lambda r: _get(r, "serve", "oxigraph", "first_answer_s")),
    ("policykg MiB at first answer", lambda r: _get(r, "serve", "policykg", "rss_at_first_answer_mib")),
    ("policykg MiB with memory copies", lambda r: _with_copies(r, "rss_mib")),
    ("policykg MiB after the queries", lambda r: _get(r, "serve", "policykg", "rss_after_queries_mib")),
    ("policykg MiB 5 s after the queries", lambda r: _get(r, "serve", "policykg", "rss_idle_mib")),
    ("oxigraph MiB", lambda r: _get(r, "serve", "oxigraph", "rss_after_queries_mib")),
    ("policykg peak MiB (sampled each second)", lambda r: _get(r, "serve", "policykg", "peak_rss_mib")),
    ("oxigraph peak MiB (sampled each second)", lambda r: _get(r, "serve", "oxigraph", "peak_rss_mib")),
    ("`--on-disk`: first answer s", lambda r: _get(r, "serve_on_disk", "policykg", "first_answer_s")),
    ("`--on-disk`: MiB after the queries", lambda r: _get(r, "serve_on_disk", "policykg", "rss_after_queries_mib")),
    ("`--on-disk`: oxigraph MiB (same run)", lambda r: _get(r, "serve_on_disk", "oxigraph", "rss_after_queries_mib")),
    ("`--on-disk`: peak MiB, policykg", lambda r: _get(r, "serve_on_disk", "policykg", "peak_rss_mib")),
    ("`--on-disk`: oxigraph first answer s", lambda r: _get(r, "serve_on_disk", "oxigraph", "first_answer_s")),
    ("`--on-disk --workers 1`: first answer s", lambda r: _get(r, "serve_on_disk_workers1", "policykg", "first_answer_s")),
    ("`--on-disk --workers 1`: MiB after the queries", lambda r: _get(r, "serve_on_disk_workers1", "policykg", "rss_after_queries_mib")),
    ("`--on-disk --workers 1`: peak MiB", lambda r: _get(r, "serve_on_disk_workers1", "policykg", "peak_rss_mib")),
    ("`--on-disk --workers 1`: oxigraph MiB (same run)", lambda r: _get(r, "serve_on_disk_workers1", "oxigraph", "rss_after_queries_mib")),
]  # fmt: skip


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2g}" if value < 1 else f"{value:.1f}"


def table(runs: list[dict[str, Any]]) -> str:
    """The Markdown table: one column per size, one row per cost, then query medians."""
    sizes = [f"{int(r['claims']):,} claims" for r in runs]
    lines = ["| cost | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(runs)]
    for name, get in ROWS:
        lines.append(f"| {name} | " + " | ".join(_fmt(get(r)) for r in runs) + " |")
    queries = sorted(
        {q for r in runs for q in r.get("serve", {}).get("policykg", {}).get("median_ms", {})}
    )
    for q in queries:
        cells = []
        for r in runs:
            ours = _get(r, "serve", "policykg", "median_ms", q)
            theirs = _get(r, "serve", "oxigraph", "median_ms", q)
            cells.append(f"{_fmt(ours)} / {_fmt(theirs)}" if ours or theirs else "—")
        lines.append(f"| `{q}` median ms, policykg / oxigraph | " + " | ".join(cells) + " |")
    for q in queries:
        cells = []
        for r in runs:
            ours = _get(r, "serve_on_disk", "policykg", "median_ms", q)
            theirs = _get(r, "serve_on_disk", "oxigraph", "median_ms", q)
            cells.append(f"{_fmt(ours)} / {_fmt(theirs)}" if ours or theirs else "—")
        lines.append(
            f"| `--on-disk`: `{q}` median ms, policykg / oxigraph | " + " | ".join(cells) + " |"
        )
    loads = [f"{r.get('load_before', 0):.1f} to {r.get('load_after', 0):.1f}" for r in runs]
    lines.append("| load average (1 min) before, after | " + " | ".join(loads) + " |")
    return "\n".join(lines)


def plot(runs: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    claims = [int(r["claims"]) for r in runs]
    panels = [
        ("seconds", [
            ("build (wall)", lambda r: _build_seconds(r, "wall")),
            ("build (CPU)", lambda r: _get(r, "build", "cpu_s") if _build_seconds(r, "wall") else None),
            ("check one file (wall)", lambda r: _get(r, "check", "wall_s")),
            ("policykg first answer", lambda r: _get(r, "serve", "policykg", "first_answer_s")),
            ("policykg memory copies in service", lambda r: _with_copies(r, "memory_copies_s")),
            ("oxigraph first answer", lambda r: _get(r, "serve", "oxigraph", "first_answer_s")),
            ("policykg --on-disk first answer", lambda r: _get(r, "serve_on_disk", "policykg", "first_answer_s")),
        ]),
        ("MiB", [
            ("store on disk", lambda r: _get(r, "store_mib")),
            ("policykg at first answer", lambda r: _get(r, "serve", "policykg", "rss_at_first_answer_mib")),
            ("policykg with memory copies", lambda r: _with_copies(r, "rss_mib")),
            ("policykg --on-disk", lambda r: _get(r, "serve_on_disk", "policykg", "rss_after_queries_mib")),
            ("policykg peak", lambda r: _get(r, "serve", "policykg", "peak_rss_mib")),
            ("policykg --on-disk --workers 1", lambda r: _get(r, "serve_on_disk_workers1", "policykg", "rss_after_queries_mib")),
            ("oxigraph serve-read-only", lambda r: _get(r, "serve", "oxigraph", "rss_after_queries_mib")),
        ]),
    ]  # fmt: skip
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), dpi=80)
    for ax, (unit, series) in zip(axes, panels, strict=True):
        for label, get in series:
            points = [(c, v) for c, r in zip(claims, runs, strict=True) if (v := get(r))]
            if points:
                ax.plot(*zip(*points, strict=True), marker="o", label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("synthetic claims")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("policykg costs by size (shared 2-core machine; see the load in the table)")
    fig.tight_layout()
    fig.savefig(out)


def main() -> int:
    runs = load_runs()
    if not runs:
        print(f"no runs in {FOLDER}", file=sys.stderr)
        return 1
    plot(runs, FOLDER / "costs.png")
    print(table(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
