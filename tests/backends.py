"""The backends the API suite runs on: the embedded store, a real ``oxigraph serve`` and a
real Virtuoso 7; the remote ones loaded with the session's build (``dist/policykg.nq``).

``backend`` is a session-scoped fixture parameter; each remote server is started once per
session (on loopback, by :mod:`tests.remote.servers`) and only when a test asks for it. A
missing server binary skips those tests, and fails them under ``CI=true``. Where a backend
departs from the standard, its adapter undoes it (:mod:`policykg.remote.virtuoso`, each
departure named by a test in tests/remote/test_virtuoso_departures.py), so every test
expects the embedded store's answer on every backend.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from pydantic import SecretStr

from policykg.graph.build import BuildReport
from policykg.remote import RemoteStore
from policykg.settings import RemoteSettings, Settings

from .remote.servers import RemoteServer, need, oxigraph_server, virtuoso_server

__all__ = ["BACKENDS", "remote_settings"]

#: The backends every API test runs on.
BACKENDS = ("embedded", "oxigraph", "virtuoso")


def _graphs(nquads: Path) -> dict[str, bytes]:
    """The build's named graphs, each as N-Triples."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode), "the build has no default graph"
        graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return {g: ox.serialize(t, format=ox.RdfFormat.N_TRIPLES) or b"" for g, t in graphs.items()}


@pytest.fixture(scope="session")
def oxigraph_policy(
    built: tuple[Settings, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteServer]:
    """``oxigraph serve --union-default-graph`` over ``oxigraph load`` of the build."""
    binary = need("oxigraph", "install the dev dependencies (scripts/install-python --dev)")
    folder = tmp_path_factory.mktemp("oxigraph-policy")
    nquads = built[0].dist / "policykg.nq"
    command = [binary, "load", "--location", str(folder / "data"), "--file", str(nquads)]
    subprocess.run(command, check=True, capture_output=True)
    with oxigraph_server(folder, union_default_graph=True) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_policy(
    built: tuple[Settings, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteServer]:
    """Virtuoso 7 with each named graph of the build written by the Graph Store Protocol."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-policy")) as server:
        with RemoteStore(server.endpoint(timeout=120)) as client:
            for graph, data in _graphs(built[0].dist / "policykg.nq").items():
                client.put_graph(graph, data)
        yield server


def remote_settings(server: RemoteServer, **overrides: object) -> dict[str, object]:
    """Settings values that serve from ``server``."""
    password = SecretStr(server.password) if server.password is not None else None
    remote = RemoteSettings(url=server.url, username=server.username, password=password)
    return {"remote": remote} | overrides


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn (a test using it runs once per backend)."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def backend_values(backend: str, request: pytest.FixtureRequest) -> dict[str, object]:
    """Settings values for an app over the session's build on ``backend``."""
    if backend == "embedded":
        return {}
    server: RemoteServer = request.getfixturevalue(f"{backend}_policy")
    return remote_settings(server)
