"""The README stays true: its example output, its command list and its endpoint list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
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
    # The routes of included routers too (FastAPI keeps them inside _IncludedRouter entries).
    paths = {r.path or "" for r in iter_route_contexts(create_app(Settings()).routes)}
    paths -= {"/docs/oauth2-redirect", "/redoc", ""}
    documented = (" {}`", " {},", " {}?")  # a path alone, in a list, or with its query string
    missing = [p for p in sorted(paths) if not any(f.format(p) in README for f in documented)]
    assert missing == []


def test_named_query_count_matches() -> None:
    count = len(list((ROOT / "queries").glob("*.rq")))
    assert f"The {count} named queries" in README


def test_queries_readme_is_in_sync(kg: PolicyGraph) -> None:
    committed = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    if committed != readme(kg):
        pytest.fail("queries/README.md is out of date: run `policykg docs`")


def test_the_check_example_is_what_policykg_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's `policykg check` example, reproduced: a copy of source 004 as 005_x
    whose eu-included claim is reported speech without a speaker."""
    block = re.search(r"For example:\n\n   ```\n((?:   [^\n]*\n)+?)   ```", README)
    assert block, "README lost its policykg check example"
    expected = "".join(line[3:] + "\n" for line in block[1].splitlines())
    text = (ROOT / "graph" / "sources" / "004_0288313a30b2f017.trig").read_text(encoding="utf-8")
    text = text.replace("claim/004/", "claim/005/").replace("004_0288313a30b2f017", "005_x")
    claim = text.index("c:eu-included a pkg:Claim")
    stance = text.index("pkg:stance pkg:Asserted", claim)
    text = text[:stance] + "pkg:stance pkg:ReportedSpeech" + text[stance + 23 :]
    source = tmp_path / "graph" / "sources" / "005_x.trig"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "graph/sources/005_x.trig"])
    assert result.exit_code == 1
    assert result.stderr.replace(f"{tmp_path}/", "") == expected


def test_the_curl_example_gives_the_csv_shown(built: tuple[Settings, BuildReport]) -> None:
    """The README's curl command, sent to the app over the built graph, answers its CSV block."""
    from fastapi.testclient import TestClient

    found = re.search(
        r"\$ curl '(?P<url>[^']+)' -H '(?P<header>[^']+)'\n```\n\n```csv\n(?P<csv>.*?)```",
        README,
        re.DOTALL,
    )
    assert found, "README lost its curl example"
    path = found["url"].removeprefix("http://127.0.0.1:8000")
    name, _, value = found["header"].partition(": ")
    with TestClient(create_app(Settings(dist=built[0].dist, workers=1))) as client:
        response = client.get(path, headers={name: value})
    assert response.status_code == 200
    assert response.text.replace("\r\n", "\n") == found["csv"]


def test_the_predeclared_prefix_example_runs(built: tuple[Settings, BuildReport]) -> None:
    found = re.search(r"For example `policykg (sparql '[^']+')`", README.replace("\n", " "))
    assert found, "README lost its predeclared-prefix example"
    query = found[1].removeprefix("sparql '").removesuffix("'")
    result = CliRunner().invoke(
        app, ["sparql", query, "-f", "csv"], env={"POLICYKG_DIST": str(built[0].dist)}
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "s"
    assert len(result.stdout.splitlines()) > 1
