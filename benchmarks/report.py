"""Reporting: the tables of medians, p99 and ratios (plain text or Markdown, as pasted into
``benchmarks/README.md``), start-up and memory, and the targets met or missed."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from measure import Query, Results
from systems import SYSTEMS

__all__ = [
    "TARGET_VS_OXIGRAPH",
    "TARGET_VS_RDFLIB_JOIN",
    "check_targets",
    "fmt_ms",
    "markdown_summary",
    "render_tables",
    "row_mismatches",
    "startup_line",
]

TARGET_VS_OXIGRAPH = 1.5  # our median may be at most this many times oxigraph's
TARGET_VS_RDFLIB_JOIN = 20.0  # and at least this many times faster than rdflib's on the join


def fmt_ms(x: float) -> str:
    """Milliseconds with three significant figures or so.

    >>> fmt_ms(0.2812), fmt_ms(27.04), fmt_ms(1393.4), fmt_ms(math.nan)
    ('0.28', '27.0', '1393', '-')
    """
    if math.isnan(x):
        return "-"
    return f"{x:.2f}" if x < 10 else (f"{x:.1f}" if x < 100 else f"{x:.0f}")


def _ratio(a: float, b: float) -> str:
    """``a ÷ b`` as ``1.33x`` (``38x`` from 10 up).

    >>> _ratio(0.28, 0.21), _ratio(3165, 82.7), _ratio(1.0, math.nan)
    ('1.33x', '38x', '-')
    """
    if math.isnan(a) or math.isnan(b) or b == 0:
        return "-"
    return f"{a / b:.2f}x" if a / b < 10 else f"{a / b:.0f}x"


def _head(systems: Sequence[str], mode: str) -> list[str]:
    head = ["query", *(f"{SYSTEMS[s].label} median / p99 ms (n)" for s in systems)]
    if "policykg" in systems and "oxigraph" in systems:
        head.append("ours ÷ oxigraph")
    if "policykg" in systems and "rdflib" in systems:
        head.append("rdflib ÷ ours")
    if mode == "conc":
        head.append("req/s " + " / ".join(systems))
    return head


def _row(results: Results, systems: Sequence[str], query: str, mode: str) -> list[str]:
    cells = [query]
    med: dict[str, float] = {}
    for s in systems:
        m = results.get((s, query, mode))
        if m is None:
            cells.append("-")
            continue
        med[s] = m.median
        err = f" {len(m.errors)} err" if m.errors else ""
        cells.append(f"{fmt_ms(m.median)} / {fmt_ms(m.p99)} ({m.n}){err}")
    nan = math.nan
    if "policykg" in systems and "oxigraph" in systems:
        cells.append(_ratio(med.get("policykg", nan), med.get("oxigraph", nan)))
    if "policykg" in systems and "rdflib" in systems:
        cells.append(_ratio(med.get("rdflib", nan), med.get("policykg", nan)))
    if mode == "conc":
        tps = [results.get((s, query, mode)) for s in systems]
        cells.append(" / ".join(f"{t.throughput:.1f}" if t else "-" for t in tps))
    return cells


def _table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*head), *(fmt.format(*r) for r in rows)]) + "\n"


def render_tables(
    results: Results,
    systems: Sequence[str],
    queries: Sequence[Query],
    clients: int,
    markdown: bool,
) -> str:
    """One table per mode measured: a row per query, a column per server, then ratios."""
    out: list[str] = []
    for mode, title in (("seq", "sequential"), ("conc", f"{clients} concurrent clients")):
        if not any(k[2] == mode for k in results):
            continue
        rows = [_row(results, systems, q.name, mode) for q in queries]
        out.append(f"{'### ' if markdown else ''}{title.capitalize()}\n")
        out.append(_table(_head(systems, mode), rows, markdown))
    return "\n".join(out)


def check_targets(results: Results, queries: Sequence[Query]) -> list[str]:
    """A line per target: each sequential median against Oxigraph's, the join against rdflib's."""
    lines: list[str] = []
    for q in queries:
        ours = results.get(("policykg", q.name, "seq"))
        ox = results.get(("oxigraph", q.name, "seq"))
        if ours and ox and ours.n and ox.n:
            r = ours.median / ox.median
            ok = "met" if r <= TARGET_VS_OXIGRAPH else "MISSED"
            lines.append(
                f"{q.name}: ours {fmt_ms(ours.median)} ms vs oxigraph {fmt_ms(ox.median)} ms"
                f" = {r:.2f}x (target ≤ {TARGET_VS_OXIGRAPH}x): {ok}"
            )
    ours = results.get(("policykg", "selective_join", "seq"))
    rdf = results.get(("rdflib", "selective_join", "seq"))
    if ours and rdf and ours.n and rdf.n:
        r = rdf.median / ours.median
        ok = "met" if r >= TARGET_VS_RDFLIB_JOIN else "MISSED"
        lines.append(
            f"selective_join: rdflib-endpoint {fmt_ms(rdf.median)} ms ÷ ours"
            f" {fmt_ms(ours.median)} ms = {r:.1f}x (target ≥ {TARGET_VS_RDFLIB_JOIN:.0f}x): {ok}"
        )
    return lines


def row_mismatches(results: Results, systems: Sequence[str], queries: Sequence[Query]) -> list[str]:
    """Queries on which the servers returned different numbers of rows."""
    out = []
    for q in queries:
        counts = {
            s: results[(s, q.name, "seq")].rows for s in systems if (s, q.name, "seq") in results
        }
        if len(set(counts.values())) > 1:
            out.append(f"{q.name}: row counts differ: {counts}")
    return out


def startup_line(servers: Mapping[str, Mapping[str, float]]) -> str:
    """Seconds to ready and resident memory (after the run when measured) per server."""
    return "Start-up (ready) and memory: " + "; ".join(
        f"{SYSTEMS[s].label} {v['ready_s']:.1f} s, "
        f"{v.get('rss_mib_after', v['rss_mib_loaded']):.0f} MiB"
        for s, v in servers.items()
    )


def markdown_summary(
    title: str,
    header: str,
    tables: str,
    servers: Mapping[str, Mapping[str, float]],
    targets: Sequence[str],
    mismatches: Sequence[str],
) -> str:
    """The run as a README section: heading, tables, start-up, targets and warnings."""
    md = [f"## {title}\n", header + "\n", tables, startup_line(servers) + "\n"]
    if targets:
        md.append("Targets:\n\n" + "\n".join(f"- {t}" for t in targets) + "\n")
    if mismatches:
        md.append("\n".join(f"- WARNING {x}" for x in mismatches) + "\n")
    return "\n".join(md)
