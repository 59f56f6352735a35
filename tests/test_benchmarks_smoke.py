"""Smoke test of the benchmark generator, queries and report: tiny size, no servers."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

__all__: list[str] = []

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
PKG = "https://w3id.org/policykg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _load(name: str) -> ModuleType:
    """A benchmarks module (they import each other as top-level modules, as scripts do)."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    return _load("generate")


@pytest.fixture(scope="module")
def tiny(generate: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ox.Store]:
    out = tmp_path_factory.mktemp("bench") / "claims-50.nq"
    generate.write_dataset(50, out, seed=42)
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)
    return out, store


def _count(store: ox.Store, query: str) -> int:
    (row,) = store.query(query, use_default_graph_as_union=True)
    return int(row[0].value)


def test_generator_counts(generate: ModuleType, tiny: tuple[Path, ox.Store]) -> None:
    out, store = tiny
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    plan = generate.plan(50)
    assert manifest["claims"] == 50
    assert manifest["organisations"] == plan.organisations == 45
    assert manifest["jurisdictions"] == len(generate.JURISDICTIONS)
    assert len(store) == manifest["quads"] == out.read_text(encoding="utf-8").count("\n")
    assert len(list(store.named_graphs())) == manifest["graphs"] == manifest["sources"] + 1

    assert _count(store, f"SELECT (COUNT(*) AS ?n) {{ ?c a <{PKG}Claim> }}") == 50
    # every claim is complete: subject, predicate, object, stance, source and a start date
    full = f"""PREFIX pkg: <{PKG}> PREFIX rdf: <{RDF}>
        SELECT (COUNT(DISTINCT ?c) AS ?n) {{
          ?c a pkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
             pkg:stance ?st ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?src ;
             <http://purl.org/dc/terms/temporal>/<http://www.w3.org/2006/time#hasBeginning>
             /<http://www.w3.org/2006/time#inXSDDate> ?d .
          ?src a <https://schema.org/NewsArticle> ; <https://schema.org/publisher> ?pub .
          GRAPH ?g {{ ?c a pkg:Claim . ?src a <https://schema.org/NewsArticle> }}
        }}"""
    assert _count(store, full) == 50
    claim_quads = (
        manifest["quads"]
        - _count(
            store,
            "SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/policykg/graph/entities> "
            "{ ?s ?p ?o } }",
        )
        - manifest["sources"] * generate.SOURCE_QUADS
    )
    assert claim_quads == 50 * generate.CLAIM_QUADS


def test_generator_is_deterministic(generate: ModuleType) -> None:
    assert list(generate.generate_quads(20, seed=3)) == list(generate.generate_quads(20, seed=3))
    assert list(generate.generate_quads(20, seed=3)) != list(generate.generate_quads(20, seed=4))


def test_queries_parse_and_run(tiny: tuple[Path, ox.Store]) -> None:
    measure = _load("measure")
    queries = measure.load_queries()
    assert [q.name for q in queries] == list(measure.QUERY_ORDER)
    accept = {q.name: q.accept for q in queries}
    assert accept == {
        **dict.fromkeys(measure.QUERY_ORDER, "application/sparql-results+json"),
        "export": "text/csv",
    }
    _, store = tiny
    for q in queries:
        assert q.title
        rows = list(store.query(q.text, use_default_graph_as_union=True))
        if q.name in ("point_lookup", "aggregate", "property_path", "export"):
            assert rows, q.name


def test_the_cli_parses_and_plans_a_run() -> None:
    run = _load("run")
    ap = run.parser()
    args = ap.parse_args(["--size", "100k", "--systems", "policykg,oxigraph", "--queries",
                          "export,point_lookup", "--clients", "4", "--min-requests", "2"])  # fmt: skip
    plan = run.Plan.from_args(ap, args)
    assert args.size == 100_000
    assert plan.systems == ["policykg", "oxigraph"]
    assert [q.name for q in plan.queries] == ["point_lookup", "export"]
    assert (plan.modes, plan.clients) == (["seq", "conc"], 4)
    assert (plan.seq.warmup, plan.seq.max_requests, plan.seq.min_requests) == (3, 200, 2)
    assert (plan.conc.warmup, plan.conc.max_requests, plan.conc.min_requests) == (0, 400, 4)
    with pytest.raises(SystemExit):
        run.Plan.from_args(ap, ap.parse_args(["--systems", "policykg,virtuoso"]))


def test_report_tables_and_targets() -> None:
    measure, report = _load("measure"), _load("report")
    queries = [q for q in measure.load_queries() if q.name in ("point_lookup", "selective_join")]
    latencies = {
        ("policykg", "point_lookup"): [0.3, 0.2, 0.4],
        ("oxigraph", "point_lookup"): [0.2, 0.1, 0.3],
        ("policykg", "selective_join"): [80.0, 90.0],
        ("oxigraph", "selective_join"): [170.0, 170.0],
    }
    results = {
        (s, q, "seq"): measure.Measurement(s, q, "seq", 1, ms, rows=7)
        for (s, q), ms in latencies.items()
    }
    table = report.render_tables(results, ["policykg", "oxigraph"], queries, 8, markdown=True)
    assert table.splitlines() == [
        "### Sequential",
        "",
        "| query | policykg serve median / p99 ms (n) | oxigraph serve-read-only median / p99 ms (n)"
        " | ours ÷ oxigraph |",
        "|---|---|---|---|",
        "| point_lookup | 0.30 / 0.40 (3) | 0.20 / 0.30 (3) | 1.50x |",
        "| selective_join | 85.0 / 90.0 (2) | 170 / 170 (2) | 0.50x |",
    ]
    assert report.check_targets(results, queries) == [
        "point_lookup: ours 0.30 ms vs oxigraph 0.20 ms = 1.50x (target ≤ 1.5x): met",
        "selective_join: ours 85.0 ms vs oxigraph 170 ms = 0.50x (target ≤ 1.5x): met",
    ]
    assert report.row_mismatches(results, ["policykg", "oxigraph"], queries) == []


def test_generated_sources_hold_the_dump_and_conform_to_the_shapes(
    generate: ModuleType, tmp_path: Path
) -> None:
    """``generate.py --sources``: one TriG file per article plus entities, holding every quad
    of the N-Quads dump, and a project root that a build validates without a violation;
    the costs run's new file conforms too."""
    from policykg.graph.sources import load, source_files
    from policykg.graph.validate import validate
    from policykg.settings import Settings

    sources, costs = _load("sources"), _load("costs")
    made = sources.write_sources(50, tmp_path / "root", Settings().root / "ontology", seed=42)
    dump = tmp_path / "claims-50.nq"
    counts = generate.write_dataset(50, dump, seed=42)
    assert made.counts == counts
    files = source_files(tmp_path / "root")
    assert len([f for f in files if f.suffix == ".trig"]) == made.files == counts.sources + 1
    loaded = load(files)
    expected = ox.Dataset(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    assert all(
        q in ox.Dataset(loaded.quads) for q in expected if not isinstance(q.subject, ox.BlankNode)
    )
    shapes = tmp_path / "root" / "ontology" / "shapes.ttl"
    assert validate(loaded, shapes) == []
    new = costs.new_source(tmp_path / "root", tmp_path)
    assert validate(load([*files, new]), shapes) == []


def test_the_unvalidated_store_holds_what_a_build_reads(tmp_path: Path) -> None:
    """``costs.py``'s store without a build (one ``bulk_load`` of every source as one TriG
    stream) holds the quads a build reads from the same files, one by one: the same
    dataset once blank nodes are canonicalised (``bulk_load`` relabels them)."""
    from policykg.graph.sources import load, source_files
    from policykg.settings import Settings

    sources, costs = _load("sources"), _load("costs")
    root = tmp_path / "root"
    sources.write_sources(200, root, Settings().root / "ontology", seed=7)
    path = costs._unvalidated_store(root, tmp_path / "dist")
    assert (tmp_path / "dist" / "store").resolve() == path.resolve()
    stored = ox.Dataset(ox.Store.read_only(str(path)))
    expected = ox.Dataset(load(source_files(root)).quads)
    assert len(stored) == len(expected) > 2_000
    assert any(isinstance(q.subject, ox.BlankNode) for q in expected)
    for dataset in (stored, expected):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert set(stored) == set(expected)
