"""Fixtures: the real policy graph (built once per session) served in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.engine.pool import Engine
from policykg.graph.build import BuildReport
from policykg.linkeddata.dumps import served_version, version_dir
from policykg.linkeddata.manifest import Manifest
from policykg.settings import Settings


@pytest.fixture(scope="module")
def policy_client(
    built: tuple[Settings, BuildReport], backend_values: dict[str, object]
) -> Iterator[TestClient]:
    """The app over the session's build of the policy graph, one query worker; once per
    backend (the embedded store, Oxigraph server: see tests/backends.py)."""
    settings = Settings(dist=built[0].dist, workers=1, **backend_values)  # type: ignore[arg-type]
    app = create_app(settings)
    with TestClient(app) as client:
        if isinstance(engine := app.state.service.engine, Engine):
            client.portal.call(engine.inline_ready)
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


#: Tests of what only a server over a known build has: the remote stores here are loaded
#: by hand, not by ``policykg publish``, so a server over them cannot name a build (no
#: dumps, no dataset description with their checksums, no build ETag; over a published
#: store it can: tests/remote/test_served_version.py) and has no worker pool to count
#: (README, "Serving from a triplestore"). Each is marked as that named departure on the
#: remote backends.
NO_LOCAL_BUILD = (
    "test_api_dumps.py::test_index",
    "test_api_dumps.py::test_every_file",
    "test_api_dumps.py::test_if_",
    "test_api_dumps.py::test_range",
    "test_api_dumps.py::test_head",
    "test_api_dumps.py::test_files_are",
    "test_api_dumps.py::test_an_unknown",
    "test_void.py::test_well_known_void_is",
    "test_void.py::test_well_known_void_in",
    "test_void.py::test_well_known_void_as",
    "test_void.py::test_well_known_void_revalidates",
    "test_void.py::test_the_service_description_points_to_it",
    "test_api_http.py::test_result_etag_is_the_builds",
    "test_api_http.py::test_cacheable_pages_say_so",
    "test_api_http.py::test_streamed_results_are_gzipped_with_their_headers",
    "test_api_http.py::test_the_fast_lane_still_answers",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec is not None else None
        if backend in ("oxigraph", "virtuoso") and any(n in item.nodeid for n in NO_LOCAL_BUILD):
            item.add_marker(
                pytest.mark.xfail(
                    reason=f"{backend}: a store loaded by hand names no build (dumps, VoID, ETag)",
                    strict=True,
                )
            )
