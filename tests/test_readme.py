"""The README stays true: its example output, its command list and its endpoint list."""

from __future__ import annotations

import re

import pytest
from policykg.api.app import create_app
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.cli.querydocs import readme
from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.settings import Settings

ROOT = Settings().root
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_example_query_output_is_what_the_command_prints(
    built: tuple[Settings, BuildReport],
) -> None:
    command = re.search(r"\$ \.venv/bin/policykg (query [^\n]+)\n```\n\n((?:\|[^\n]*\n)+)", README)
    assert command, "README lost its example query"
    args = command[1].split()
    result = CliRunner().invoke(app, args, env={"POLICYKG_DIST": str(built[0].dist)})
    assert result.exit_code == 0, result.output
    assert result.stdout == command[2]


def test_every_cli_command_is_documented() -> None:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert names
    missing = [n for n in names if f"`policykg {n}" not in README]
    assert missing == []


def test_every_endpoint_is_documented() -> None:
    paths = {getattr(r, "path", "") for r in create_app(Settings()).routes}
    paths -= {"/docs/oauth2-redirect", "/redoc", ""}
    missing = [p for p in sorted(paths) if f" {p}`" not in README and f" {p}," not in README]
    assert missing == []


def test_named_query_count_matches() -> None:
    count = len(list((ROOT / "queries").glob("*.rq")))
    assert f"The {count} named queries" in README


def test_queries_readme_is_in_sync(kg: PolicyGraph) -> None:
    committed = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    if committed != readme(kg):
        pytest.fail("queries/README.md is out of date: run `policykg docs`")
