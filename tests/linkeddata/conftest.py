"""Fixtures: the real policy graph (built once per session) served in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.graph.build import BuildReport
from policykg.linkeddata.dumps import served_version, version_dir
from policykg.linkeddata.manifest import Manifest
from policykg.settings import Settings


@pytest.fixture(scope="module")
def policy_client(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    """The app over the session's build of the policy graph, one query worker."""
    settings = Settings(dist=built[0].dist, workers=1)
    app = create_app(settings)
    with TestClient(app) as client:
        client.portal.call(app.state.service.engine.inline_ready)  # type: ignore[union-attr]
        yield client


@pytest.fixture(scope="module")
def manifest(built: tuple[Settings, BuildReport]) -> Manifest:
    """The manifest of the session's build, read from its version's folder."""
    settings = built[0]
    version = served_version(settings.store_path)
    assert version is not None
    found = Manifest.read(version_dir(settings, version))
    assert found is not None
    return found
