"""Fixtures for the hostile-input tests: in-process apps, a counting loopback listener."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from tests.api.apisupport import DATA, PEOPLE, PROTOCOL, TOKEN
from tests.api.conftest import make_settings

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API tests' queries and context, plus ``typed.rq`` (one parameter of each type)."""
    root = tmp_path_factory.mktemp("hostile-root")
    shutil.copytree(DATA / "queries", root / "queries")
    shutil.copytree(DATA / "ontology", root / "ontology")
    shutil.copy(HERE / "data" / "queries" / "typed.rq", root / "queries" / "typed.rq")
    return root


@pytest.fixture(scope="module")
def reader(hostile_root: Path) -> Iterator[TestClient]:
    app = create_app(make_settings(hostile_root, query_timeout=5), data=[PEOPLE, PROTOCOL])
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def writer(hostile_root: Path) -> Iterator[TestClient]:
    settings = make_settings(hostile_root, enable_update=True, update_token=TOKEN, query_timeout=60)
    with TestClient(create_app(settings, data=[PEOPLE, PROTOCOL])) as client:
        yield client


class Listener:
    """A loopback TCP listener that counts the connections made to it (must stay 0)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()
