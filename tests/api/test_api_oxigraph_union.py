"""Departure of Oxigraph server: its default graph is its own unless it runs with
``--union-default-graph``; a server over it refuses to start rather than answer from it."""

from __future__ import annotations

import subprocess

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.errors import PolicyKGError
from policykg.graph.build import BuildReport
from policykg.settings import Settings

from ..backends import remote_settings
from ..remote.servers import need, oxigraph_server

pytestmark = pytest.mark.server


def test_departure_oxigraph_default_graph_must_be_the_union(
    built: tuple[Settings, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> None:
    binary = need("oxigraph", "install the dev dependencies (scripts/install-python --dev)")
    folder = tmp_path_factory.mktemp("oxigraph-own-default")
    nquads = built[0].dist / "policykg.nq"
    command = [binary, "load", "--location", str(folder / "data"), "--file", str(nquads)]
    subprocess.run(command, check=True, capture_output=True)
    with oxigraph_server(folder) as server:
        settings = Settings(dist=built[0].dist, **remote_settings(server))  # type: ignore[arg-type]
        with pytest.raises(PolicyKGError) as raised, TestClient(create_app(settings)):
            pass
    assert raised.value.message == (
        f"the default graph of the store at {server.query_url} is not the union of its named "
        "graphs; start Oxigraph with 'oxigraph serve --union-default-graph'"
    )
