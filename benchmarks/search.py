"""Search latency and index size: the Tantivy index against a SPARQL substring scan.

Generates N synthetic claims (seeded) whose quotes are Dutch, German or English sentences,
writes the search index as ``policykg build`` does (:func:`policykg.search.index.write_index`),
and times, per query, the index (:func:`policykg.search.search`) and the SPARQL scan the
``quote-search`` named query does (``CONTAINS(LCASE(STR(?quote)), …)``) on an in-memory
pyoxigraph store with the same claims. Run by hand::

    python benchmarks/search.py --size 10k          # 10k, 100k, 1M or a number of claims
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from policykg.data import data_root
from policykg.search import search
from policykg.search.binding import hook
from policykg.search.index import index_path, write_index
from policykg.sparql.queries import NamedQuery, QueryLibrary

PKG = "https://w3id.org/policykg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
BASE = "https://w3id.org/policykg/"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

WORDS = {
    "nl": [
        "gebruikers",
        "gegevens",
        "trainen",
        "model",
        "privacy",
        "instelling",
        "standaard",
        "toestemming",
        "berichten",
        "platform",
        "toezichthouder",
        "waarschuwt",
        "bezwaar",
        "maken",
        "vanaf",
        "november",
        "Europese",
    ],
    "de": [
        "Nutzer",
        "Nutzerinnen",
        "Daten",
        "trainieren",
        "Modell",
        "Datenschutz",
        "Einstellung",
        "standardmäßig",
        "Zustimmung",
        "Nachrichten",
        "Plattform",
        "Behörde",
        "warnt",
        "widersprechen",
        "ab",
        "November",
        "europäischen",
    ],
    "en": [
        "users",
        "data",
        "training",
        "model",
        "privacy",
        "setting",
        "default",
        "consent",
        "messages",
        "platform",
        "regulator",
        "warns",
        "object",
        "from",
        "November",
        "European",
        "lawsuit",
    ],
}
QUERIES = ["gebruiker", "Nutzer", "privacy", '"trainen model"', "Daten*", "InMail", "regulator"]


def claims(n: int, seed: int = 42) -> list[Quad]:
    rng = random.Random(seed)
    quads = []
    for i in range(n):
        lang = rng.choice(list(WORDS))
        source = NamedNode(f"{BASE}source/s{i % 50}")
        claim = NamedNode(f"{BASE}claim/s{i % 50}/c{i}")
        graph = NamedNode(f"{BASE}graph/s{i % 50}")
        words = [rng.choice(WORDS[lang]) for _ in range(rng.randint(6, 16))]
        if i % 1000 == 0:
            words.append("InMail")
        quads += [
            Quad(claim, NamedNode(RDF + "type"), NamedNode(PKG + "Claim"), graph),
            Quad(claim, NamedNode(PROV + "wasDerivedFrom"), source, graph),
            Quad(claim, NamedNode(PKG + "paragraph"), Literal(str(i % 12), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")), graph),
            Quad(claim, NamedNode(PKG + "quote"), Literal(" ".join(words), language=lang), graph),
        ]  # fmt: skip
    return quads


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``run``."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def cpu_timed(run: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds (this process, every thread) of ``repeat`` calls."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]


def named(oxi: Store, query: NamedQuery, values: dict[str, str], store: Path) -> int:
    """Run a named query as ``policykg query`` does (all rows); its row count."""
    substitutions = query.bind(values, search=hook(store))
    rows = oxi.query(query.sparql, substitutions=substitutions, use_default_graph_as_union=True)  # type: ignore[arg-type]
    assert isinstance(rows, QuerySolutions)
    return sum(1 for _ in rows)


def run_named(
    oxi: Store, query: NamedQuery, values: dict[str, str], store: Path, repeat: int
) -> tuple[list[float], int]:
    """Milliseconds of ``repeat`` runs of a named query, and its row count."""
    counts: list[int] = []
    ms = timed(lambda: counts.append(named(oxi, query, values, store)), repeat)
    return ms, counts[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1M or a number of claims")
    parser.add_argument("--repeat", type=int, default=200, help="index runs per query")
    parser.add_argument("--scan-repeat", type=int, default=3, help="named-query runs per query")
    parser.add_argument("--no-scan", action="store_true", help="skip the named queries")
    parser.add_argument(
        "--index", type=Path, help="keep the index in this folder (reused if there)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    n = SIZES.get(args.size) or int(args.size)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.index or Path(tmp)
        store = folder / "store"
        store.mkdir(parents=True, exist_ok=True)
        figures = measure(n, store, args)
    figures["load_before"] = load_before
    figures["load_after"] = os.getloadavg()
    print(
        f"all queries: median {figures['median_ms']} ms, p99 {figures['p99_ms']} ms "
        f"(CPU: median {figures['cpu_median_ms']} ms, p99 {figures['cpu_p99_ms']} ms); "
        f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after",
        flush=True,
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def measure(n: int, store: Path, args: argparse.Namespace) -> dict[str, object]:
    """Build (or reuse) the index beside ``store`` and time every query."""
    figures: dict[str, object] = {"claims": n}
    quads = claims(n)
    index = index_path(store)
    if not index.is_dir():
        start = time.perf_counter()
        write_index(quads, index)
        figures["build_s"] = round(time.perf_counter() - start, 1)
    size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
    figures["index_mb"] = round(size / 1e6, 1)
    print(
        f"{n} claims: index {figures['index_mb']} MB, built in {figures.get('build_s', '(reused)')} s",
        flush=True,
    )
    library = QueryLibrary.load(data_root() / "queries")
    oxi = Store()
    if not args.no_scan:
        oxi.bulk_extend(quads)
    del quads
    search(store, "warm")  # opens the index once, as a server does
    print(
        f"{'query':<16} {'index median':>12} {'p99':>8} {'CPU median':>10} {'hits':>7} "
        f"{'quote-search':>13} {'rows':>7} {'search query':>13}",
        flush=True,
    )
    rows = []
    every: list[float] = []
    every_cpu: list[float] = []
    for q in QUERIES:
        index_ms, cpu_ms = cpu_timed(lambda q=q: search(store, q), args.repeat)  # type: ignore[misc]
        every += index_ms
        every_cpu += cpu_ms
        count = search(store, q).count
        row: dict[str, object] = {
            "query": q, "median_ms": round(statistics.median(index_ms), 2),
            "p99_ms": round(p99(index_ms), 2), "hits": count,
            "cpu_median_ms": round(statistics.median(cpu_ms), 2),
        }  # fmt: skip
        scan: object = "-"
        found: object = "-"
        joined: object = "-"
        if not args.no_scan:
            joined_ms, _ = run_named(
                oxi, library.get("search"), {"q": q}, store, args.scan_repeat * 5
            )
            row["search_query_median_ms"] = joined = round(statistics.median(joined_ms), 1)
        if not args.no_scan and not q.startswith('"') and not q.endswith("*"):
            scan_ms, found_rows = run_named(
                oxi, library.get("quote-search"), {"text": q}, store, args.scan_repeat
            )
            row["scan_median_ms"] = scan = round(statistics.median(scan_ms), 1)
            row["scan_rows"] = found = found_rows
        rows.append(row)
        print(
            f"{q:<16} {row['median_ms']:>12} {row['p99_ms']:>8} {row['cpu_median_ms']:>10} "
            f"{count:>7} {scan:>13} {found:>7} {joined:>13}",
            flush=True,
        )
    figures.update(
        queries=rows,
        median_ms=round(statistics.median(every), 2),
        p99_ms=round(p99(every), 2),
        cpu_median_ms=round(statistics.median(every_cpu), 2),
        cpu_p99_ms=round(p99(every_cpu), 2),
    )
    return figures


if __name__ == "__main__":
    main()
