"""``policykg build``: canonical output, and a failed build that changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from policykg.errors import BuildError
from policykg.graph.build import BuildReport, build
from policykg.settings import Settings
from tests.datacount import claims_in, source_paths


def copy_project(root: Path, tmp: Path) -> Path:
    """A copy of the sources a build reads, so tests can break them."""
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(root / folder, tmp / folder)
    return tmp


def test_build_reports_what_it_read(built: tuple[Settings, BuildReport]) -> None:
    report = built[1]
    assert (report.sources, report.graphs) == (5, 8)  # 5 sources + entities + ontology + asserted
    assert report.claims == claims_in(source_paths())
    assert report.violations == []
    assert report.warnings == []
    names = {p.name for p in report.written}
    assert names == {"store", "policykg.nq", "policykg.trig", built[0].store_path.resolve().name}


def test_two_builds_are_byte_identical(built: tuple[Settings, BuildReport], tmp_path: Path) -> None:
    first = built[0]
    again = Settings(dist=tmp_path / "dist")
    build(again)
    for name in ("policykg.nq", "policykg.trig"):
        assert (again.dist / name).read_bytes() == (first.dist / name).read_bytes()


def test_trig_and_nquads_dumps_hold_the_same_dataset(built: tuple[Settings, BuildReport]) -> None:
    dist = built[0].dist
    trig = rdflib.Dataset().parse(dist / "policykg.trig", format="trig")
    nq = rdflib.Dataset().parse(dist / "policykg.nq", format="nquads")
    for name in sorted({g.identifier for g in nq.graphs()}, key=str):
        a, b = trig.graph(name), nq.graph(name)
        if not isomorphic(a, b):
            _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
            pytest.fail(f"graph {name} differs:\n{only_a.serialize()}\n---\n{only_b.serialize()}")


def test_syntax_error_names_file_and_line_and_writes_nothing(
    built: tuple[Settings, BuildReport], tmp_path: Path
) -> None:
    root = copy_project(built[0].root, tmp_path)
    settings = Settings(root=root, dist=tmp_path / "dist")
    build(settings)
    before = (settings.dist / "policykg.nq").read_bytes()
    store_before = (settings.dist / "store").resolve()
    broken = root / "graph" / "sources" / "002_1823d0ef4fc739b2.trig"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40] + ' "unterminated'
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(settings)
    (problem,) = err.value.problems
    assert problem.startswith(f"{broken}:41:")
    assert (settings.dist / "policykg.nq").read_bytes() == before
    assert (settings.dist / "store").resolve() == store_before


def test_shape_violation_names_claim_property_rule_and_file(
    built: tuple[Settings, BuildReport], tmp_path: Path
) -> None:
    root = copy_project(built[0].root, tmp_path)
    source = root / "graph" / "sources" / "004_0288313a30b2f017.trig"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("pkg:stance pkg:Asserted ; prov:wasDerivedFrom src:004_0288313a30b2f017 ;\n"
                                   "        pkg:paragraph 5 ;\n        pkg:quote \"vóór 3 november\"@nl",
                                   "pkg:stance pkg:Asserted ;\n        pkg:paragraph 5 ;\n"
                                   "        pkg:quote \"vóór 3 november\"@nl", 1), encoding="utf-8")  # fmt: skip
    with pytest.raises(BuildError) as err:
        build(Settings(root=root, dist=tmp_path / "dist"))
    assert err.value.message == "1 shape violation(s); nothing was written"
    assert err.value.problems == [
        f"{source}: violation: <https://w3id.org/policykg/claim/004/advice-deadline> "
        "prov:wasDerivedFrom: Every claim needs at least one source (prov:wasDerivedFrom)."
    ]
    assert not (tmp_path / "dist").exists()


def test_base_iri_can_be_overridden(built: tuple[Settings, BuildReport], tmp_path: Path) -> None:
    settings = Settings(dist=tmp_path / "dist", base_iri="http://example.org/kg/")
    build(settings)
    text = (settings.dist / "policykg.nq").read_text(encoding="utf-8")
    assert "<http://example.org/kg/claim/000/eu-excluded>" in text
    assert "https://w3id.org/policykg/id/" not in text
    assert "https://w3id.org/policykg/ontology#" in text  # the ontology keeps its own namespace


SIXTH = """\
@prefix src: <https://w3id.org/policykg/source/> .
@prefix kg: <https://w3id.org/policykg/graph/> .
@prefix c: <https://w3id.org/policykg/claim/005/> .
@prefix id: <https://w3id.org/policykg/id/> .
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix dpv: <https://w3id.org/dpv#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kg:005_test {
    # A made-up article for this test only.
    src:005_test a schema:NewsArticle, prov:Entity ;
        dct:identifier "005_test" ; pkg:seedFile "005_test.txt" ;
        dct:title "Test"@en ; dct:language "en" ; dct:issued "2025-12-01"^^xsd:date .

    # ¶1
    c:owned a pkg:Claim ;
        rdf:subject id:linkedin ; rdf:predicate dpv:isSubsidiaryOf ; rdf:object id:microsoft ;
        pkg:stance pkg:Asserted ; prov:wasDerivedFrom src:005_test ; pkg:paragraph 1 .
}
"""


def test_adding_a_sixth_article_is_one_file_check_and_build(
    built: tuple[Settings, BuildReport], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from policykg.cli.commands import app

    root = copy_project(built[0].root, tmp_path / "project")
    new = root / "graph" / "sources" / "005_test.trig"
    new.write_text(SIXTH, encoding="utf-8")
    env = {"POLICYKG_ROOT": str(root), "POLICYKG_DIST": str(tmp_path / "dist")}
    runner = CliRunner()
    checked = runner.invoke(app, ["check", str(new)], env=env)
    assert (
        checked.stdout.strip() == "ok: 1 file(s) checked: 1 sources, 1 claims, 0 warnings, 0 advice"
    )
    assert runner.invoke(app, ["build"], env=env).exit_code == 0
    rows = runner.invoke(
        app, ["query", "corroborated-claims", "-p", "min_sources=5", "-f", "csv"], env=env
    )
    assert rows.stdout.splitlines()[1].split(",")[1:5] == [
        "https://w3id.org/policykg/id/linkedin",
        "https://w3id.org/dpv#isSubsidiaryOf",
        "https://w3id.org/policykg/id/microsoft",
        "5",
    ]
