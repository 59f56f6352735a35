"""Fixtures: one real Oxigraph server and one real Virtuoso 7 per test session.

``store_server`` runs a test against each; tests write only graphs under their own IRI
(see ``graph_iri``), so they share the two servers without seeing each other's data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from policykg.remote import RemoteStore

from .servers import RemoteServer, oxigraph_server, virtuoso_server


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store_server(request: pytest.FixtureRequest) -> RemoteServer:
    """Each real server in turn."""
    server: RemoteServer = request.getfixturevalue(request.param)
    return server


@pytest.fixture
def remote(store_server: RemoteServer) -> Iterator[RemoteStore]:
    """A client of ``store_server`` with its credentials."""
    with RemoteStore(store_server.endpoint()) as client:
        yield client


@pytest.fixture
def graph_iri() -> str:
    """A graph IRI no other test writes."""
    return f"https://example.org/test/{uuid.uuid4().hex}"
