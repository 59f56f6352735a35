"""The ``policykg`` command line, run as a user would (typer's runner, real store on disk)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.settings import Settings
from tests.datacount import claims_in, source_paths

runner = CliRunner()


@pytest.fixture
def env(built: tuple[Settings, BuildReport]) -> dict[str, str]:
    return {"POLICYKG_DIST": str(built[0].dist)}


def test_build_prints_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build"], env={"POLICYKG_DIST": str(tmp_path / "dist")})
    assert result.exit_code == 0, result.output
    quads = len((tmp_path / "dist" / "policykg.nq").read_text(encoding="utf-8").splitlines())
    sources, claims = len(source_paths()), claims_in(source_paths())
    assert result.stdout.strip() == (
        f"built: {sources} sources, {claims} claims, {quads} quads in {sources + 3} graphs, "
        f"0 warnings → {tmp_path / 'dist'}"
    )
    assert (tmp_path / "dist" / "policykg.trig").exists()


def test_check_accepts_a_good_source_file(env: dict[str, str]) -> None:
    source = Settings().root / "graph" / "sources" / "004_0288313a30b2f017.trig"
    result = runner.invoke(app, ["check", str(source)], env=env)
    assert result.exit_code == 0, result.output
    claims = claims_in([source])
    assert result.stdout.strip() == (
        f"ok: 1 file(s) checked: 1 sources, {claims} claims, 0 warnings, 0 advice"
    )


def test_check_reports_advice_without_failing(tmp_path: Path, env: dict[str, str]) -> None:
    new = tmp_path / "005_new.trig"
    new.write_text(
        "@prefix schema: <https://schema.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/policykg/graph/005_new> {\n"
        '  <https://w3id.org/policykg/id/newco> a schema:Organization ; rdfs:label "NewCo"@en .\n}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(new)], env=env)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip() == "ok: 1 file(s) checked: 0 sources, 0 claims, 0 warnings, 1 advice"
    )
    assert result.stderr.splitlines() == [
        f"  {new.resolve()}: advice: <https://w3id.org/policykg/id/newco>: No Wikidata item is linked "
        "(skos:exactMatch or skos:closeMatch): add one when it is certain, or say why there is none "
        "(pkg:wikidataStatus)."
    ]


def test_check_reports_syntax_errors_with_file_and_line(
    tmp_path: Path, env: dict[str, str]
) -> None:
    bad = tmp_path / "005_new.trig"
    bad.write_text("@prefix ex: <http://e/> .\nex:g {\n  ex:a ex:b .\n}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)], env=env)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "policykg check: 1 file(s) could not be read",
        f"  {bad}:3:13: . is not a valid RDF object",
    ]


def test_query_with_parameters_as_csv(env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        ["query", "data-used-on", "-p", "date=2025-11-10", "-p", "jurisdiction=https://w3id.org/dpv/loc#NL",
         "--format", "csv"],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "jurisdiction,date,used,basis\n"
        "https://w3id.org/dpv/loc#NL,2025-11-10,true,stated from 2025-11-03\n"
    )


def test_query_as_json(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "corrections", "-f", "json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["claim"] for r in data["rows"]] == [
        "https://w3id.org/policykg/claim/000/openai-recipient"
    ]


def test_query_with_a_badly_typed_parameter(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "status-as-of", "-p", "date=yesterday"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "policykg query: parameter 'date' must be a date (YYYY-MM-DD), got 'yesterday'\n"
    )


def test_query_with_a_malformed_param_option(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "status-as-of", "-p", "date"], env=env)
    assert result.exit_code == 2
    assert "expected KEY=VALUE, got 'date'" in result.stderr


def test_sparql_from_a_string_and_a_file(env: dict[str, str], tmp_path: Path) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/policykg/ontology#Claim> }"
    claims = claims_in(source_paths())
    assert runner.invoke(app, ["sparql", text, "-f", "tsv"], env=env).stdout == f"?n\n{claims}\n"
    rq = tmp_path / "count.rq"
    rq.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["sparql", str(rq), "-f", "markdown"], env=env).stdout == (
        f"| n |\n| --- |\n| {claims} |\n"
    )


def test_sparql_syntax_error_names_the_position(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["sparql", "SELECT ?x WHERE { ?x ?y }"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "policykg sparql: SPARQL syntax error: error at 1:26: expected one of LATERAL, SERVICE\n"
        "SELECT ?x WHERE { ?x ?y }\n"
        "                         ^\n"
    )


def test_table_output_and_stats(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "lawsuits"], env=env)
    assert result.exit_code == 0
    assert "id:de-la-torre-v-linkedin" in result.stdout
    assert result.stdout.rstrip().endswith("1 row(s)")
    stats = runner.invoke(app, ["stats"], env=env)
    assert stats.exit_code == 0
    rows = len(
        PolicyGraph.open(Settings(dist=Path(env["POLICYKG_DIST"]))).query("source-summary").records
    )
    assert stats.stdout.rstrip().endswith(f"{rows} row(s)")


def test_queries_lists_every_named_query(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["queries"], env=env)
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == sorted(p.stem for p in Settings().queries_dir.glob("*.rq"))
