"""``policykg serve`` options reach the settings, and the server behaves by them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api import server
from policykg.api.app import create_app
from typer.testing import CliRunner

from policykg import cli
from policykg.settings import Settings

from .apisupport import PEOPLE, PROTOCOL, ask
from .conftest import make_settings


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Settings, list[Path]]:
    seen: list[tuple[Settings, list[Path]]] = []
    monkeypatch.setattr(server, "run", lambda settings, data: seen.append((settings, data)))
    result = CliRunner().invoke(cli.app, ["serve", *args])
    assert result.exit_code == 0, result.output
    return seen[0]


def test_serve_defaults_to_in_memory_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    settings, data = _serve(monkeypatch)
    assert (settings.on_disk, settings.memory_max_quads, data) == (False, 10_000_000, [])


def test_serve_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    settings, data = _serve(monkeypatch, "--on-disk", "--data", str(PEOPLE))
    assert settings.on_disk
    assert data == [PEOPLE]


def test_serve_union_default_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = _serve(monkeypatch, "--data", str(PEOPLE), "--union-default-graph")
    assert settings.union_default_graph
    settings, _ = _serve(monkeypatch, "--data", str(PEOPLE))
    assert not settings.union_default_graph


def test_data_served_with_the_union_as_default_graph(project_root: Path) -> None:
    """``--data … --union-default-graph``: like ``oxigraph serve --union-default-graph``."""
    both = (
        "ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?t . "
        "<http://kasei.us/2009/09/sparql/data/data2.rdf> a ?t . "
        '<http://example.org/alice> <http://example.org/name> "Alice" }'
    )
    for union in (True, False):
        settings = make_settings(project_root, workers=1, union_default_graph=union)
        with TestClient(create_app(settings, data=[PEOPLE, PROTOCOL])) as client:
            assert ask(client, both) is union
            # the named graphs stay named graphs either way
            assert ask(client, "ASK { GRAPH ?g { ?s a ?t } }") is True
            description = client.get("/sparql", headers={"Accept": "text/turtle"}).text
            assert ("UnionDefaultGraph" in description) is union
