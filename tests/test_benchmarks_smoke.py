"""Smoke test of the benchmark generator and queries: tiny size, no servers."""

from __future__ import annotations

import importlib.util
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
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


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
    run = _load("run")
    queries = run.load_queries()
    names = [q.name for q in queries]
    for required in ("point_lookup", "selective_join", "aggregate", "property_path", "export"):
        assert required in names
    _, store = tiny
    for q in queries:
        assert q.title
        assert q.accept
        rows = list(store.query(q.text, use_default_graph_as_union=True))
        if q.name in ("point_lookup", "aggregate", "property_path", "export"):
            assert rows, q.name
