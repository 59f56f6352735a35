"""``policykg sparql`` predeclares the graph's prefixes; a query's own PREFIX wins."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.graph.build import BuildReport
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
