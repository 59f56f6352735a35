"""The SPARQL servers compared: how each starts on a free loopback port, when it is ready,
its memory, and how it is stopped (at the end, on errors and on Ctrl-C/SIGTERM).

``policykg serve`` loads the N-Quads file itself; ``oxigraph serve-read-only`` reads a
store made beforehand by ``oxigraph load`` (:func:`ensure_oxigraph_store`);
``rdflib-endpoint serve`` loads the file into an rdflib ``Dataset``. The API over a remote
store (``policykg serve --store URL`` over Oxigraph or Virtuoso) is timed by ``backends.py``,
which starts the stores with :mod:`policykg.remote.launch` and the API with :class:`Server`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from measure import Endpoint, process_tree_rss_kib

__all__ = [
    "BIN",
    "ROOT",
    "SYSTEMS",
    "Server",
    "SystemSpec",
    "ensure_oxigraph_store",
    "free_port",
    "policykg_health",
    "running",
]

ROOT = Path(__file__).resolve().parent.parent
#: The virtualenv's scripts: policykg, oxigraph and rdflib-endpoint are installed there.
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class SystemSpec:
    """How to start one SPARQL server on a port and where it answers queries."""

    name: str
    label: str
    path: str
    argv: Callable[[Path, Path, int], list[str]]  # (nquads file, oxigraph store, port)
    #: After the first answer, whether the server has finished warming up (given its port).
    warmed: Callable[[int], bool] | None = None
    #: The path whose 200 is the first answer (default: ``ASK {}`` on ``path``).
    ready_path: str | None = None


def policykg_health(port: int, timeout: float = 5) -> dict[str, object]:
    """``GET /healthz`` of a policykg server, read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        health: dict[str, object] = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    return health


def _policykg_warmed(port: int) -> bool:
    """policykg answers from its workers first; its in-process copy for lookups comes later."""
    return policykg_health(port).get("inline") != "loading"


SYSTEMS: dict[str, SystemSpec] = {
    "policykg": SystemSpec(
        "policykg",
        "policykg serve",
        "/sparql",
        lambda nq, _store, port: [
            str(BIN / "policykg"), "serve", "--data", str(nq), "--union-default-graph",
            "--host", "127.0.0.1", "--port", str(port),
        ],
        _policykg_warmed,
    ),
    "oxigraph": SystemSpec(
        "oxigraph",
        "oxigraph serve-read-only",
        "/query",
        lambda _nq, store, port: [
            str(BIN / "oxigraph"), "serve-read-only", "--location", str(store),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph",
        ],
    ),
    "rdflib": SystemSpec(
        "rdflib",
        "rdflib-endpoint",
        "/",
        lambda nq, _store, port: [
            str(BIN / "rdflib-endpoint"), "serve", str(nq),
            "--host", "127.0.0.1", "--port", str(port),
        ],
    ),
}  # fmt: skip


def free_port() -> int:
    """A loopback port nobody listens on (bind port 0, read it back, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server subprocess in its own process group, stopped by :meth:`stop`."""

    def __init__(self, spec: SystemSpec, argv: list[str], port: int, log: Path) -> None:
        self.spec = spec
        self.port = port
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        self.ready_after: float | None = None
        #: Seconds from the start to the first 200 (before any warming up).
        self.first_answer_after: float | None = None

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.spec.name, self.port, self.spec.path)

    def _answers(self) -> bool:
        """Whether ``ASK {}`` gets a 200 and the server says it has warmed up."""
        query = urllib.parse.urlencode({"query": "ASK {}"})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request(
                "GET",
                self.spec.ready_path or f"{self.spec.path}?{query}",
                headers={"Accept": "application/sparql-results+json"},
            )
            resp = conn.getresponse()
            resp.read()
        finally:
            conn.close()
        if resp.status == 200 and self.first_answer_after is None:
            self.first_answer_after = time.perf_counter() - self.started
        warmed = self.spec.warmed
        return resp.status == 200 and (warmed is None or warmed(self.port))

    def wait_ready(self, timeout: float) -> float:
        """Poll until the server answers and has warmed up; return seconds since start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.spec.label} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                if self._answers():
                    self.ready_after = time.perf_counter() - self.started
                    return self.ready_after
            time.sleep(0.2)
        raise TimeoutError(f"{self.spec.label} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def rss_mib(self) -> float:
        """Resident memory of the server and its worker processes, in MiB."""
        return process_tree_rss_kib(self.proc.pid) / 1024

    def log_tail(self, lines: int = 20) -> str:
        self._log_file.flush()
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the process group; SIGKILL if it has not exited 15 s later."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self._log_file.close()


@contextlib.contextmanager
def running(
    spec: SystemSpec, nq: Path, store: Path, log_dir: Path, ready_timeout: float
) -> Iterator[Server]:
    """A started, ready server on a free port, stopped on leaving the block."""
    port = free_port()
    server = Server(spec, spec.argv(nq, store, port), port, log_dir / f"{spec.name}.log")
    try:
        server.wait_ready(ready_timeout)
        yield server
    finally:
        server.stop()


def ensure_oxigraph_store(nq: Path, manifest: dict[str, object]) -> Path:
    """An on-disk Oxigraph store for ``oxigraph serve-read-only``, rebuilt when the data changed."""
    store = nq.with_name(nq.stem + ".oxigraph")
    stamp = store / "policykg-bench-stamp.json"
    wanted = json.dumps(manifest, sort_keys=True)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return store
    if store.exists():
        shutil.rmtree(store)
    print(f"loading {nq.name} into {store.name} with `oxigraph load` …", flush=True)
    t0 = time.perf_counter()
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(nq)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    stamp.write_text(wanted, encoding="utf-8")
    return store
