"""Real triplestores for the remote tests: ``oxigraph serve`` and Virtuoso 7 on loopback.

Each server runs in its own temporary folder on free loopback ports, in its own process
group, and is stopped (the whole group killed) on exit, or killed by the kernel if the test
process itself dies. Readiness is polled with an ``ASK``.
A missing binary skips, except under ``CI=true`` where it fails (as the browser tests do).

Virtuoso is started from an ini written here: the SQL port and the HTTP port on loopback,
every database file in the folder, and the SPARQL results cap raised. Writes go through
``/sparql-auth`` and ``/sparql-graph-crud-auth`` as the ``dba`` user with HTTP digest
authentication (the database's initial ``dba`` password, on a loopback port of a database
that lives only as long as the test session); the anonymous SPARQL user stays read-only.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from policykg.remote import Endpoint

__all__ = ["RemoteServer", "need", "oxigraph_server", "virtuoso_server"]

Kind = Literal["oxigraph", "virtuoso"]


@dataclass(frozen=True)
class RemoteServer:
    """A running store: its URLs, credentials and kind, and its process."""

    kind: Kind
    url: str  # the store's name for policykg: sparql+http://127.0.0.1:PORT/path
    query_url: str
    update_url: str
    graph_store_url: str
    username: str | None
    password: str | None
    process: subprocess.Popen[bytes]
    log: Path

    def endpoint(self, timeout: float = 30.0) -> Endpoint:
        return Endpoint.from_url(
            self.url, username=self.username, password=self.password, timeout=timeout
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def need(binary: str, hint: str) -> str:
    """The path of ``binary``; skip without it, or fail under ``CI=true``."""
    found = shutil.which(binary) or shutil.which(binary, path=str(Path(sys.executable).parent))
    if found is None:
        reason = f"{binary} not found; {hint}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)
    return found


def _ready(query_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    url = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{log.parent.name}: exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    pytest.fail(f"not answering on {query_url} after {timeout} s:\n{log.read_text()[-4000:]}")


def _die_with_parent() -> None:
    """In the child: be killed when the test process dies, however it dies (Linux's
    PR_SET_PDEATHSIG), so a killed test run leaves no server behind."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the server's process group and reap it."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@contextmanager
def _running(
    command: list[str], folder: Path, query_url: str, timeout: float
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    try:
        _ready(query_url, process, log, timeout)
        yield process, log
    finally:
        _stop(process)


@contextmanager
def oxigraph_server(folder: Path, *, union_default_graph: bool = False) -> Iterator[RemoteServer]:
    """``oxigraph serve --location FOLDER/data`` on a free loopback port."""
    binary = need("oxigraph", "install the dev dependencies (scripts/install-python --dev)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    # the store's own limit stops what the API gave up on (closing the connection does not)
    command += ["--timeout-s", "30"]
    if union_default_graph:
        command.append("--union-default-graph")
    with _running(command, folder, base + "/query", timeout=60) as (process, log):
        yield RemoteServer(
            kind="oxigraph",
            url=f"sparql+{base}/query",
            query_url=base + "/query",
            update_url=base + "/update",
            graph_store_url=base + "/store",
            username=None,
            password=None,
            process=process,
            log=log,
        )


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[RemoteServer]:
    """Virtuoso 7 (``virtuoso-t +foreground``) with a fresh database in ``folder``."""
    binary = need("virtuoso-t", "run scripts/install-debian (as root): virtuoso-opensource")
    sql_port, http_port = free_port(), free_port()
    (folder / "www").mkdir(exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8"
    )
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(ini)]
    with _running(command, folder, base + "/sparql", timeout=180) as (process, log):
        yield RemoteServer(
            kind="virtuoso",
            url=f"sparql+{base}/sparql",
            query_url=base + "/sparql",
            update_url=base + "/sparql-auth",
            graph_store_url=base + "/sparql-graph-crud-auth",
            username="dba",
            password="dba",
            process=process,
            log=log,
        )
