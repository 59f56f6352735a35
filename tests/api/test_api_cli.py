"""``policykg serve`` options reach the settings the server runs with."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg import cli
from policykg.api import server
from policykg.settings import Settings

from .apisupport import PEOPLE


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
