"""Generate a synthetic policy graph shaped like the real facts, as N-Quads.

The graph mirrors the real one: reified claims (``pkg:Claim`` with ``rdf:subject``,
``rdf:predicate``, ``rdf:object``, a stance, a source and a ``dct:temporal`` interval),
each in the named graph of the news article it was derived from; the articles
(``schema:NewsArticle`` with a publisher, an issue date and a language); organisations
in corporate groups linked by ``dpv:hasSubsidiary`` or ``schema:parentOrganization``;
jurisdictions (``loc:XX``) in ``skos:broader`` chains; data categories and purposes.
Entities live in the named graph ``graph/entities``.

The output is deterministic for a given size and seed, so the IRIs the benchmark
queries name exist at every size from 10k claims up::

    python benchmarks/generate.py --size 100k          # benchmarks/data/claims-100k.nq
    python benchmarks/generate.py --size 1M --seed 7 --out /tmp/x.nq

Next to the file, ``<name>.json`` records the seed and the counts (claims, sources,
organisations, jurisdictions, quads).

>>> lines = list(generate_quads(30, seed=1))
>>> c = Counts.for_lines(lines)
>>> c.claims, c.quads == len(lines)
(30, True)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

from vocabulary import (
    BASE,
    DATA_CATEGORIES,
    DCT,
    DPV,
    JURISDICTIONS,
    LANGUAGES,
    LOC,
    PKG,
    PREDICATES,
    PROV,
    PURPOSES,
    RDF,
    SCHEMA,
    SKOS,
    TIME,
    XSD,
    iri,
    lit,
    org_iri,
)  # fmt: skip

__all__ = [
    "BASE", "CLAIM_QUADS", "DATA_DIR", "GROUP_SIZE", "JURISDICTIONS", "SIZES", "SOURCE_QUADS",
    "Counts", "dataset_path", "existing_manifest", "generate_quads", "main", "parse_size", "plan",
    "write_dataset",
]  # fmt: skip

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Named sizes, in claims.
SIZES: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

#: Quads per claim: type, subject, predicate, object, stance, source, temporal,
#: hasBeginning, inXSDDate.
CLAIM_QUADS = 9
#: Quads per source article: type, publisher, issued, language, url, title.
SOURCE_QUADS = 6
#: Companies form groups of this size: a root, three subsidiaries, nine below them, ...
GROUP_SIZE = 40
BRANCHING = 3

_EPOCH = dt.date(2019, 1, 1)
_DAYS = (dt.date(2025, 12, 31) - _EPOCH).days


@dataclass(frozen=True)
class Plan:
    """How many of each kind of entity a graph of ``claims`` claims has."""

    claims: int
    companies: int
    publishers: int

    @property
    def organisations(self) -> int:
        return self.companies + self.publishers


def plan(claims: int) -> Plan:
    """Entity counts for a size: about 60 claims per company, 2000 per publisher.

    >>> plan(100_000)
    Plan(claims=100000, companies=1666, publishers=50)
    >>> plan(50).companies
    40
    """
    if claims < 1:
        raise ValueError("need at least one claim")
    return Plan(claims, max(GROUP_SIZE, claims // 60), max(5, claims // 2000))


def parse_size(text: str) -> int:
    """``10k``, ``100k``, ``1M`` or a plain number of claims.

    >>> parse_size("100k"), parse_size("1M"), parse_size("50"), parse_size("2.5k")
    (100000, 1000000, 50, 2500)
    """
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 10k, 100k, 1M or 5000)")
    mult = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    value = round(float(m.group(1)) * mult)
    if value < 1:
        raise argparse.ArgumentTypeError("size must be at least 1 claim")
    return value


def size_label(claims: int) -> str:
    """The short label of a size, as used in file names.

    >>> size_label(100_000), size_label(1_000_000), size_label(50)
    ('100k', '1M', '50')
    """
    for label, n in SIZES.items():
        if n == claims:
            return label
    return str(claims)


def dataset_path(claims: int, data_dir: Path = DATA_DIR) -> Path:
    """Where the N-Quads file for a size lives by default."""
    return data_dir / f"claims-{size_label(claims)}.nq"


def existing_manifest(out: Path, claims: int, seed: int) -> dict[str, object] | None:
    """The manifest of ``out`` if that file holds ``claims`` claims made with ``seed``."""
    manifest_path = out.with_suffix(".json")
    if not (out.exists() and manifest_path.exists()):
        return None
    manifest: dict[str, object] = json.loads(manifest_path.read_text(encoding="utf-8"))
    ok = manifest.get("claims_requested") == claims and manifest.get("seed") == seed
    return manifest if ok else None


_A, _XSD_DATE = iri(f"{RDF}type"), XSD + "date"
_CLAIM, _STANCE = iri(f"{PKG}Claim"), iri(f"{PKG}stance")
_ASSERTED, _DENIED = iri(f"{PKG}Asserted"), iri(f"{PKG}Denied")
_SUBJECT, _PREDICATE, _OBJECT = (iri(RDF + x) for x in ("subject", "predicate", "object"))
_ARTICLE, _PUBLISHER, _URL = (iri(SCHEMA + x) for x in ("NewsArticle", "publisher", "url"))
_ISSUED, _LANGUAGE, _TITLE = (iri(DCT + x) for x in ("issued", "language", "title"))
_DERIVED, _TEMPORAL = iri(f"{PROV}wasDerivedFrom"), iri(f"{DCT}temporal")
_BEGINS, _IN_DATE = iri(f"{TIME}hasBeginning"), iri(f"{TIME}inXSDDate")
_NAME, _ORG = iri(f"{SCHEMA}name"), iri(f"{SCHEMA}Organization")
_LABEL = iri(f"{SKOS}prefLabel")


def _entities(p: Plan) -> Iterator[str]:
    g, a, name, label, org_t = iri(f"{BASE}graph/entities"), _A, _NAME, _LABEL, _ORG
    for i in range(p.companies):
        s = iri(org_iri("org", i))
        yield f"{s} {a} {org_t} {g} .\n"
        yield f"{s} {name} {lit(f'Company {i}')} {g} .\n"
        j = i % GROUP_SIZE
        if j:  # not a group root: link to the parent, alternating the direction
            parent = iri(org_iri("org", i - j + (j - 1) // BRANCHING))
            if j % 2:
                yield f"{parent} {iri(DPV + 'hasSubsidiary')} {s} {g} .\n"
            else:
                yield f"{s} {iri(SCHEMA + 'parentOrganization')} {parent} {g} .\n"
    for i in range(p.publishers):
        s = iri(org_iri("pub", i))
        yield f"{s} {a} {org_t} {g} .\n"
        yield f"{s} {name} {lit(f'Publisher {i}')} {g} .\n"
    for code, broader in JURISDICTIONS.items():
        s = iri(LOC + code)
        kind = "SupraNationalUnion" if code == "EU" else ("Region" if "-" in code else "Country")
        yield f"{s} {a} {iri(DPV + kind)} {g} .\n"
        yield f"{s} {label} {lit(code)} {g} .\n"
        if broader:
            yield f"{s} {iri(SKOS + 'broader')} {iri(LOC + broader)} {g} .\n"
    for cat in DATA_CATEGORIES:
        s = iri(f"{BASE}id/data/{cat}")
        yield f"{s} {a} {iri(DPV + 'PersonalData')} {g} .\n"
        yield f"{s} {label} {lit(cat.replace('-', ' '))} {g} .\n"
    for purpose in PURPOSES:
        s = iri(f"{BASE}id/purpose/{purpose}")
        yield f"{s} {a} {iri(DPV + 'Purpose')} {g} .\n"
        yield f"{s} {label} {lit(purpose.replace('-', ' '))} {g} .\n"


def _object(rng: random.Random, pred: str, p: Plan) -> str:
    if pred == "trainsOn":
        return iri(f"{BASE}id/data/{rng.choice(DATA_CATEGORIES)}")
    if pred == "usesDataFor":
        return iri(f"{BASE}id/purpose/{rng.choice(PURPOSES)}")
    if pred in ("appliesIn", "excludes"):
        return iri(LOC + rng.choice(_CODES))
    if pred == "offersOptOut":
        return lit(rng.choice(("true", "false")), XSD + "boolean")
    return lit(f"P{rng.choice((30, 90, 180, 365, 730))}D", XSD + "duration")


_CODES = tuple(JURISDICTIONS)
_PRED_NAMES = tuple(name for name, _ in PREDICATES)
_PRED_WEIGHTS = tuple(w for _, w in PREDICATES)


def _quads(g: str, triples: Iterable[tuple[str, str, str]]) -> Iterator[str]:
    return (f"{s} {p} {o} {g} .\n" for s, p, o in triples)


def _article(rng: random.Random, p: Plan, src: int, out: list[str]) -> tuple[dt.date, int]:
    """Append the quads of source ``src``; return its day and the company it is about."""
    sid = f"s{src:07d}"
    s, g = iri(f"{BASE}source/{sid}"), iri(f"{BASE}graph/{sid}")
    day = _EPOCH + dt.timedelta(days=rng.randrange(_DAYS))
    publisher = iri(org_iri("pub", rng.randrange(p.publishers)))
    language = lit(rng.choice(LANGUAGES))
    company = rng.randrange(p.companies)
    out.extend(_quads(g, (
        (s, _A, _ARTICLE), (s, _PUBLISHER, publisher),
        (s, _ISSUED, lit(day.isoformat(), _XSD_DATE)), (s, _LANGUAGE, language),
        (s, _URL, iri(f"https://news.example.org/{day.year}/{sid}")),
        (s, _TITLE, lit(f"Company {company} and your data, part {src}")),
    )))  # fmt: skip
    return day, company


def _claim(
    rng: random.Random, p: Plan, where: tuple[int, int, dt.date], company: int, out: list[str]
) -> int:
    """Append the quads of claim ``n`` of source ``src``; return the company it is about."""
    src, n, day = where
    sid = f"s{src:07d}"
    s, g, c = (
        iri(f"{BASE}source/{sid}"),
        iri(f"{BASE}graph/{sid}"),
        iri(f"{BASE}claim/{sid}/c{n}"),
    )
    if n and rng.random() < 0.4:  # articles often cover several companies
        company = rng.randrange(p.companies)
    pred = rng.choices(_PRED_NAMES, _PRED_WEIGHTS)[0]
    begin = day - dt.timedelta(days=rng.randrange(720))
    obj = _object(rng, pred, p)
    stance = _ASSERTED if rng.random() < 0.9 else _DENIED
    interval, instant = f"_:i{src}x{n}", f"_:b{src}x{n}"
    out.extend(_quads(g, (
        (c, _A, _CLAIM), (c, _SUBJECT, iri(org_iri("org", company))),
        (c, _PREDICATE, iri(PKG + pred)), (c, _OBJECT, obj), (c, _STANCE, stance),
        (c, _DERIVED, s), (c, _TEMPORAL, interval), (interval, _BEGINS, instant),
        (instant, _IN_DATE, lit(begin.isoformat(), _XSD_DATE)),
    )))  # fmt: skip
    return company


def generate_quads(claims: int, seed: int = 42) -> Iterator[str]:
    """Yield the N-Quads lines of a graph with exactly ``claims`` claims."""
    p = plan(claims)
    rng = random.Random(seed)
    yield from _entities(p)
    made = src = 0
    while made < claims:
        k = min(rng.randint(1, 19), claims - made)
        lines: list[str] = []
        day, company = _article(rng, p, src, lines)
        for n in range(k):
            company = _claim(rng, p, (src, n, day), company, lines)
        yield from lines
        made += k
        src += 1


@dataclass(frozen=True)
class Counts:
    """What a generated file holds."""

    claims: int
    sources: int
    organisations: int
    jurisdictions: int
    graphs: int
    quads: int

    @classmethod
    def for_lines(cls, lines: Iterable[str]) -> Counts:
        """Count by looking at the lines (used while writing and by the smoke test)."""
        claims = sources = orgs = juris = quads = 0
        graphs: set[str] = set()
        t_claim = f"<{RDF}type> <{PKG}Claim> "
        t_article = f"<{RDF}type> <{SCHEMA}NewsArticle> "
        t_org = f"<{RDF}type> <{SCHEMA}Organization> "
        for line in lines:
            quads += 1
            graphs.add(line[line.rindex("<", 0, -2) :])
            if t_claim in line:
                claims += 1
            elif t_article in line:
                sources += 1
            elif t_org in line:
                orgs += 1
            elif line.startswith(f"<{LOC}") and f"<{RDF}type>" in line:
                juris += 1
        return cls(claims, sources, orgs, juris, len(graphs), quads)


def write_dataset(claims: int, out: Path, seed: int = 42) -> Counts:
    """Write the N-Quads file (atomically) and its ``.json`` manifest; return the counts."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    totals = [0] * 6
    chunk: list[str] = []

    def flush() -> None:
        part = Counts.for_lines(chunk)
        f.writelines(chunk)
        chunk.clear()
        for i, v in enumerate(astuple(part)):
            totals[i] += v

    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        for line in generate_quads(claims, seed):
            chunk.append(line)
            if len(chunk) >= 200_000:
                flush()
        flush()
    claims_n, sources, orgs, juris, _, quads = totals
    counts = Counts(claims_n, sources, orgs, juris, sources + 1, quads)  # + graph/entities
    tmp.replace(out)
    manifest = {"claims_requested": claims, "seed": seed, "file": out.name, **asdict(counts)}
    out.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=parse_size, default=SIZES["10k"], help="10k, 100k, 1M or N")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--out", type=Path, help="output file (default: benchmarks/data/claims-<size>.nq)"
    )
    ap.add_argument("--force", action="store_true", help="rewrite even if the file exists")
    ap.add_argument(
        "--sources", type=Path, metavar="DIR",
        help="instead, write a project root: DIR/ontology, DIR/graph/entities.trig and one "
        "DIR/graph/sources/<id>.trig per article (see sources.py), for policykg build",
    )  # fmt: skip
    args = ap.parse_args(argv)
    if args.sources:
        return _write_sources(args.size, args.sources, args.seed)
    out: Path = args.out or dataset_path(args.size)
    manifest = None if args.force else existing_manifest(out, args.size, args.seed)
    if manifest:
        print(f"{out} exists ({manifest['quads']:,} quads); --force to rewrite")
        return 0
    t0 = time.perf_counter()
    counts = write_dataset(args.size, out, args.seed)
    print(
        f"wrote {out}: {counts.claims:,} claims, {counts.sources:,} sources, "
        f"{counts.organisations:,} organisations, {counts.jurisdictions} jurisdictions, "
        f"{counts.graphs:,} graphs, {counts.quads:,} quads in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


def _write_sources(claims: int, root: Path, seed: int) -> int:
    from sources import write_sources

    from policykg.settings import Settings  # the project's ontology and shapes

    t0 = time.perf_counter()
    made = write_sources(claims, root, Settings().root / "ontology", seed)
    print(
        f"wrote {root}: {made.counts.claims:,} claims in {made.files:,} source files, "
        f"{made.quads:,} quads in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
