"""A first hour with the CLI: predeclared prefixes, errors that say what to do."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, QuerySolutions
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.graph.build import BuildReport
from policykg.graph.sources import source_files
from policykg.kg import PolicyGraph
from policykg.namespaces import all_prefixes
from policykg.settings import Settings

runner = CliRunner()


@pytest.fixture
def env(built: tuple[Settings, BuildReport]) -> dict[str, str]:
    return {"POLICYKG_DIST": str(built[0].dist)}


def test_sparql_knows_the_graph_s_prefixes(env: dict[str, str]) -> None:
    bare = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a schema:NewsArticle }"
    full = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://schema.org/NewsArticle> }"
    short = runner.invoke(app, ["sparql", bare, "-f", "csv"], env=env)
    long = runner.invoke(app, ["sparql", full, "-f", "csv"], env=env)
    assert short.exit_code == 0, short.output
    assert short.stdout == long.stdout
    assert int(short.stdout.split()[1]) > 0


def test_a_query_s_own_prefix_wins(env: dict[str, str]) -> None:
    text = "PREFIX schema: <http://example.org/>\nASK { ?s a schema:NewsArticle }"
    result = runner.invoke(app, ["sparql", text, "-f", "csv"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "false"


def test_sparql_names_a_misspelt_keyword(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["sparql", "SELEC ?s WHERE { ?s ?p ?o }"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "policykg sparql: SPARQL syntax error: error at 1:1: unknown keyword 'SELEC' — "
        "did you mean SELECT?\nSELEC ?s WHERE { ?s ?p ?o }\n^\n"
    )


def test_sparql_refuses_an_update_and_says_where_updates_go(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["sparql", "INSERT DATA { <http://e/a> <http://e/b> 1 }"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "policykg sparql: this is a SPARQL Update (INSERT) and the graph is read-only here; "
        "to change data, serve a copy with `policykg serve --data FILE --enable-update "
        "--update-token T` and send updates to /update\n"
    )


def test_query_suggests_the_closest_name_and_policykg_queries(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "status-as-off"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "policykg query: no named query 'status-as-off' — did you mean status-as-of? "
        "See `policykg queries` for the list\n"
    )


def test_tsv_is_sparql_tsv_as_the_server_sends_it(
    env: dict[str, str], built: tuple[Settings, BuildReport]
) -> None:
    text = "SELECT ?s ?title WHERE { ?s a schema:NewsArticle ; dct:title ?title } ORDER BY ?s"
    result = runner.invoke(app, ["sparql", text, "-f", "tsv"], env=env)
    assert result.exit_code == 0, result.output
    solutions = PolicyGraph.open(built[0]).store.query(
        text, prefixes=all_prefixes(), use_default_graph_as_union=True
    )
    assert isinstance(solutions, QuerySolutions)
    expected = solutions.serialize(format=QueryResultsFormat.TSV)
    assert expected is not None
    assert result.stdout == expected.decode("utf-8")
    assert "\t<https://w3id.org/policykg/source/" not in result.stdout  # ?s comes first
    assert result.stdout.splitlines()[1].startswith("<https://w3id.org/policykg/source/")


STEP = r"✓ (?P<step>.+) \(\d+\.\d s\)"


def test_build_shows_its_steps_with_times(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build"], env={"POLICYKG_DIST": str(tmp_path / "dist")})
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    steps = [m["step"] for line in lines if (m := re.fullmatch(STEP, line))]
    assert steps == [
        f"reading {len(source_files(Settings().root))} files",
        "deriving the graph of asserted statements",
        "validating against ontology/shapes.ttl",
        "writing the network's files",
        "canonicalising",
        "writing the store",
        "writing the search index",
        "writing the dumps",
        "describing the dataset",
    ]
    assert re.fullmatch(r"built in \d+\.\d s", lines[-1])


def test_serve_shows_loading_and_starting_workers(tmp_path: Path) -> None:
    data = tmp_path / "one.ttl"
    data.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-c", "from policykg.cli.commands import app; app()", "serve",
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--data", str(data)]  # fmt: skip
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    lines: list[str] = []
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("ready in"):
                break
    finally:
        process.terminate()
        process.wait(timeout=20)
    steps = [m["step"] for line in lines if (m := re.fullmatch(STEP, line))]
    assert steps == [
        "loading 1 file(s) into a store",
        "starting 2 query workers (each copies the store into memory)",  # 1 + 1 for short queries
    ], lines
    assert re.fullmatch(r"ready in \d+\.\d s", lines[-1]), lines
