"""The CLI: policykg paths, centrality, components and draw on the built graph."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.network.analysis import centrality, components
from policykg.network.build import network
from policykg.network.filters import Filters
from policykg.network.paths import find_paths
from policykg.settings import Settings

from .support import ID

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def run(built: tuple[Settings, BuildReport]) -> Run:
    env = {"POLICYKG_DIST": str(built[0].dist)}

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, list(args), env=env)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_paths_prints_each_step_with_its_claims(run: Run, kg: PolicyGraph) -> None:
    code, out, _ = run("paths", "id:openai", "id:linkedin-members")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "path 1 (2 steps):"
    assert lines[1] == "  id:openai <-[excludesRecipient]- id:linkedin-genai-training"
    assert (
        '    claim:000/openai-not-recipient (Tweakers, 2024-09-18, reported) "Dat gebeurt niet, zo heeft LinkedIn laten weten."'
        in lines
    )
    assert "  id:linkedin-genai-training -[hasDataSubject]-> id:linkedin-members" in lines


def test_paths_json_is_the_apis(run: Run, kg: PolicyGraph) -> None:
    code, out, _ = run(
        "paths", ID + "openai", "id:linkedin-members", "--k", "3", "--as-of", "2025-11-10", "--json"
    )
    assert code == 0
    view = network(kg, Filters.parse([("as_of", "2025-11-10")]))
    assert json.loads(out) == {"paths": find_paths(view, ID + "openai", ID + "linkedin-members", 3)}


def test_bad_arguments_name_the_parameter(run: Run) -> None:
    assert run("paths", "openai", "id:linkedin")[0:3:2] == (
        1,
        "policykg paths: parameter 'from': expected an IRI or a curie like id:openai\n",
    )
    assert run("paths", "id:openai", "id:linkedin", "--k", "11")[0:3:2] == (
        1,
        "policykg paths: parameter 'k': expected an integer from 1 to 10\n",
    )
    assert run("centrality", "--as-of", "yesterday")[0:3:2] == (
        1,
        "policykg centrality: parameter 'as_of': expected a date YYYY-MM-DD\n",
    )


def test_centrality_and_components(run: Run, kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    code, out, _ = run("centrality", "--top", "3", "--json")
    assert code == 0
    assert json.loads(out) == centrality(graph, 3)
    code, out, _ = run("centrality", "--top", "1")
    top = centrality(graph, 1)["degree"][0]
    assert (
        out.splitlines()[1]
        == f"  1  {top['value']:.4f}  {top['label']}  id:{top['iri'].rsplit('/', 1)[1]}"
    )
    code, out, _ = run("components", "--json")
    assert code == 0
    assert json.loads(out) == components(graph)
    code, out, _ = run("components")
    assert out.splitlines()[-1].startswith(f"component {len(components(graph))} (")


def test_draw_writes_the_figure(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "network.png"
    code, stdout, _ = run(
        "draw",
        "--out",
        str(out),
        "--as-of",
        "2025-11-10",
        "--type",
        "practice",
        "--type",
        "jurisdiction",
    )
    assert code == 0
    assert stdout == f"wrote {out}\n"
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_readme_paths_example_is_what_the_command_prints(run: Run) -> None:
    readme = (Settings().root / "README.md").read_text(encoding="utf-8")
    example = re.search(
        r"\$ \.venv/bin/policykg (paths [^\n]+)\n```\n\n```\n(.*?)```", readme, flags=re.DOTALL
    )
    assert example, "README lost its paths example"
    code, out, _ = run(*example[1].split())
    assert code == 0
    assert out == example[2]
