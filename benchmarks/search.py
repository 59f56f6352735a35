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

from pyoxigraph import Literal, NamedNode, Quad, Store

from policykg.data import data_root
from policykg.search import search
from policykg.search.index import write_index
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


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]


def named_scan(oxi: Store, query: NamedQuery, text: str) -> int:
    """Run the ``quote-search`` named query as policykg does (all rows, ordered); its row count."""
    rows = oxi.query(
        query.sparql, substitutions=query.bind({"text": text}), use_default_graph_as_union=True
    )  # type: ignore[arg-type]
    return sum(1 for _ in rows)  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1M or a number of claims")
    parser.add_argument("--repeat", type=int, default=200, help="index runs per query")
    parser.add_argument("--scan-repeat", type=int, default=5, help="named-query runs per query")
    parser.add_argument("--no-scan", action="store_true", help="skip the named query")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    n = SIZES.get(args.size) or int(args.size)
    load_before = os.getloadavg()
    quads = claims(n)
    scan_query = QueryLibrary.load(data_root() / "queries").get("quote-search")
    figures: dict[str, object] = {"claims": n, "load_before": load_before}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        store.mkdir()
        start = time.perf_counter()
        index = write_index(quads, Path(tmp) / ("store" + ".search-v1"))
        built = time.perf_counter() - start
        size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
        figures.update(build_s=round(built, 1), index_mb=round(size / 1e6, 1))
        print(f"{n} claims: index built in {built:.1f} s, {size / 1e6:.1f} MB", flush=True)
        oxi = Store()
        if not args.no_scan:
            oxi.bulk_extend(quads)
        del quads
        search(store, "warm")  # opens the index once, as a server does
        header = f"{'query':<16} {'index median':>12} {'p99':>8} {'hits':>7} {'named query median':>19} {'rows':>7}"
        print(header, flush=True)
        rows = []
        every: list[float] = []
        for q in QUERIES:
            index_ms = timed(lambda q=q: search(store, q), args.repeat)  # type: ignore[misc]
            every += index_ms
            count = search(store, q).count
            row: dict[str, object] = {
                "query": q, "median_ms": round(statistics.median(index_ms), 2),
                "p99_ms": round(p99(index_ms), 2), "hits": count,
            }  # fmt: skip
            scan = found = "-"
            if not args.no_scan and not q.startswith('"') and not q.endswith("*"):
                scan_ms = timed(lambda q=q: named_scan(oxi, scan_query, q), args.scan_repeat)  # type: ignore[misc]
                row["scan_median_ms"] = round(statistics.median(scan_ms), 1)
                row["scan_rows"] = named_scan(oxi, scan_query, q) if args.scan_repeat else 0
                scan, found = f"{statistics.median(scan_ms):.1f}", str(row["scan_rows"])
            rows.append(row)
            print(
                f"{q:<16} {row['median_ms']:>12} {row['p99_ms']:>8} {count:>7} {scan:>19} {found:>7}",
                flush=True,
            )
        figures.update(
            queries=rows, median_ms=round(statistics.median(every), 2),
            p99_ms=round(p99(every), 2), load_after=os.getloadavg(),
        )  # fmt: skip
        print(
            f"all queries: median {figures['median_ms']} ms, p99 {figures['p99_ms']} ms; "
            f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
