"""Fixtures shared by the test suite: the seed graph built once per test process."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.build import BuildReport, build
from policykg.kg import PolicyGraph
from policykg.settings import Settings


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildReport]:
    """The seed graph, built from the repository's sources into a temporary dist folder."""
    settings = Settings(dist=tmp_path_factory.mktemp("dist"))
    return settings, build(settings)


@pytest.fixture(scope="session")
def kg(built: tuple[Settings, BuildReport]) -> PolicyGraph:
    return PolicyGraph.open(built[0])


@pytest.fixture(scope="session")
def root() -> Path:
    return Settings().root


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/queries/expected/*.json from the current results (review the diff!)",
    )


# The backends the API tests run on (tests/backends.py): fixtures made visible to every test.
from .backends import backend, backend_values, oxigraph_policy, virtuoso_policy  # noqa: E402,F401
