"""Fixtures: in-process apps over our small data files, with and without updates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.settings import Settings

from .apisupport import DATA, PEOPLE, PROTOCOL, TOKEN


@pytest.fixture(scope="session")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root with our own named queries and JSON-LD context."""
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(DATA / "queries", root / "queries")
    shutil.copytree(DATA / "ontology", root / "ontology")
    return root


def make_settings(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"root": root, "dist": root / "dist", "workers": 2}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(project_root: Path) -> Iterator[TestClient]:
    """Read-only endpoint over people.ttl (default graph) and protocol.trig (named graphs)."""
    app = create_app(make_settings(project_root, query_timeout=5), data=[PEOPLE, PROTOCOL])
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def writer(project_root: Path) -> Iterator[TestClient]:
    """An endpoint with updates enabled (token ``TOKEN``) over a copy of the same data."""
    settings = make_settings(project_root, enable_update=True, update_token=TOKEN, query_timeout=10)
    with TestClient(create_app(settings, data=[PEOPLE, PROTOCOL])) as test_client:
        yield test_client
