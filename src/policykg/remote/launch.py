"""Real triplestores on loopback: ``oxigraph serve`` and Virtuoso 7, started and stopped.

Used by the remote tests (``tests/remote/servers.py``) and the backend benchmarks
(``benchmarks/backends.py``). Each server runs with its working files in a given folder, on
free loopback ports, in its own process group; it is stopped (the whole group killed) on
leaving the ``with`` block, and killed by the kernel if the process that started it dies
(Linux's ``PR_SET_PDEATHSIG``), so nothing is left behind. Readiness is an ``ASK {}``
answered with 200. The caller finds the binary (the tests skip or fail without it).

Virtuoso is started from an ini written here: the SQL and HTTP ports on loopback, every
database file in the folder, and the SPARQL results cap raised. Writes go through
``/sparql-auth`` and ``/sparql-graph-crud-auth`` as the ``dba`` user with HTTP digest
authentication (the database's initial ``dba`` password, on a loopback port of a database
that lives only as long as the folder); the anonymous SPARQL user stays read-only.
"""

from __future__ import annotations

import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from policykg.remote.adapters import Kind
from policykg.remote.endpoint import Endpoint

__all__ = [
    "RemoteServer",
    "ServerFailed",
    "free_port",
    "oxigraph_server",
    "virtuoso_ini",
    "virtuoso_server",
]


class ServerFailed(RuntimeError):
    """A server exited before answering, or did not answer in time (the message has its log)."""


@dataclass(frozen=True)
class RemoteServer:
    """A running store: its URLs, credentials and kind, its process and its log."""

    kind: Kind
    url: str  # the store's name for policykg: sparql+http://127.0.0.1:PORT/path
    query_url: str
    update_url: str
    graph_store_url: str
    username: str | None
    password: str | None
    process: subprocess.Popen[bytes]
    log: Path
    #: Seconds from the start of the process to its first answer.
    ready_s: float

    def endpoint(self, timeout: float = 30.0) -> Endpoint:
        """A client's view of the store, with its credentials."""
        return Endpoint.from_url(
            self.url, username=self.username, password=self.password, timeout=timeout
        )


def free_port() -> int:
    """A loopback port nobody listens on (bind port 0, read it back, release it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(
    query_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    parts = urllib.parse.urlsplit(query_url)
    target = parts.path + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"{log}: exited with {process.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection(parts.netloc, timeout=2)
        try:
            connection.request("GET", target)
            if connection.getresponse().status == 200:
                return
        except (http.client.HTTPException, OSError):
            pass
        finally:
            connection.close()
        time.sleep(0.25)
    raise ServerFailed(
        f"not answering on {query_url} after {timeout} s:\n{log.read_text()[-4000:]}"
    )


def _die_with_parent() -> None:
    """In the child: be killed when the starting process dies, however it dies."""
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
) -> Iterator[tuple[subprocess.Popen[bytes], Path, float]]:
    """The started process, its log and its seconds to the first answer."""
    log = folder / "server.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    try:
        _wait_ready(query_url, process, log, timeout)
        yield process, log, time.perf_counter() - started
    finally:
        _stop(process)


@contextmanager
def oxigraph_server(
    binary: str,
    folder: Path,
    *,
    location: Path | None = None,
    read_only: bool = False,
    union_default_graph: bool = False,
    timeout_s: int = 30,
    ready_timeout: float = 60,
) -> Iterator[RemoteServer]:
    """``oxigraph serve`` (or ``serve-read-only``) of ``location`` (default:
    ``FOLDER/data``) on a free loopback port; its log in ``folder``.

    ``timeout_s`` is the server's own query time limit: it stops what a client gave up on
    (closing the connection does not)."""
    folder = folder.resolve()  # the server runs in it
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    where = str((location if location is not None else folder / "data").resolve())
    command = [binary, "serve-read-only" if read_only else "serve", "--location", where]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)]
    if union_default_graph:
        command.append("--union-default-graph")
    with _running(command, folder, base + "/query", ready_timeout) as (process, log, ready):
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
            ready_s=ready,
        )


#: The ``dba`` password of a new Virtuoso database (a throw-away one, on loopback).
VIRTUOSO_DBA_PASSWORD = "dba"  # noqa: S105

_VIRTUOSO_INI = """\
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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
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


def virtuoso_ini(folder: Path, sql_port: int, http_port: int, buffers: int = 10_000) -> str:
    """Virtuoso's configuration: files in ``folder``, ports on loopback, ``buffers`` pages
    of 8 KiB cached (Virtuoso's guide: about 85,000 a GB of memory to give it).

    >>> ini = virtuoso_ini(Path("/db"), 1111, 8890, buffers=85_000)
    >>> [line for line in ini.splitlines() if "Buffers" in line or ":8890" in line]
    ['NumberOfBuffers = 85000', 'MaxDirtyBuffers = 51000', 'ServerPort = 127.0.0.1:8890']
    """
    return _VIRTUOSO_INI.format(
        dir=folder, sql_port=sql_port, http_port=http_port, buffers=buffers, dirty=buffers * 3 // 5
    )


@contextmanager
def virtuoso_server(
    binary: str, folder: Path, *, buffers: int = 10_000, ready_timeout: float = 180
) -> Iterator[RemoteServer]:
    """Virtuoso 7 (``virtuoso-t +foreground``) with a fresh database in ``folder``."""
    folder = folder.resolve()  # the server runs in it: the ini names its files absolutely
    sql_port, http_port = free_port(), free_port()
    (folder / "www").mkdir(exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, sql_port, http_port, buffers), encoding="utf-8")
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(ini)]
    with _running(command, folder, base + "/sparql", ready_timeout) as (process, log, ready):
        yield RemoteServer(
            kind="virtuoso",
            url=f"sparql+{base}/sparql",
            query_url=base + "/sparql",
            update_url=base + "/sparql-auth",
            graph_store_url=base + "/sparql-graph-crud-auth",
            username="dba",
            password=VIRTUOSO_DBA_PASSWORD,
            process=process,
            log=log,
            ready_s=ready,
        )
