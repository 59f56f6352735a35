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
import random
import statistics
import tempfile
import time
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store, Variable

from policykg.search import search
from policykg.search.index import write_index

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
SCAN = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?text ?claim ?quote ?source WHERE {
  ?claim pkg:quote ?quote ; prov:wasDerivedFrom ?source .
  FILTER (CONTAINS(LCASE(STR(?quote)), LCASE(?text)))
} LIMIT 20"""


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


def timed(run: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1M or a number of claims")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query")
    parser.add_argument("--no-scan", action="store_true", help="skip the SPARQL scan")
    args = parser.parse_args()
    n = SIZES.get(args.size) or int(args.size)
    quads = claims(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        store.mkdir()
        start = time.perf_counter()
        index = write_index(quads, Path(tmp) / ("store" + ".search-v1"))
        built = time.perf_counter() - start
        size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
        print(f"{n} claims: index built in {built:.1f} s, {size / 1e6:.1f} MB")
        oxi = Store()
        oxi.bulk_extend(quads)
        print(
            f"{'query':<18} {'index median ms':>16} {'p95':>8} {'hits':>7} {'scan median ms':>15}"
        )
        for q in QUERIES:
            index_ms = timed(lambda q=q: search(store, q), args.repeat)
            count = search(store, q).count
            scan = "-"
            if not args.no_scan and not q.startswith('"') and not q.endswith("*"):
                text = Literal(q)
                scan_ms = timed(
                    lambda text=text: list(
                        oxi.query(
                            SCAN,
                            substitutions={Variable("text"): text},
                            use_default_graph_as_union=True,
                        )
                    ),  # type: ignore[arg-type]
                    max(3, args.repeat // 5),
                )
                scan = f"{statistics.median(scan_ms):.1f}"
            p95 = sorted(index_ms)[int(len(index_ms) * 0.95) - 1]
            print(f"{q:<18} {statistics.median(index_ms):>16.2f} {p95:>8.2f} {count:>7} {scan:>15}")


if __name__ == "__main__":
    main()
