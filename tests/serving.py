"""Starting and stopping a real ``policykg serve`` on a free loopback port, for the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

__all__ = ["POLICYKG", "free_port", "start", "stop"]

POLICYKG = str(Path(sys.executable).parent / "policykg")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    args: list[str], log: Path, env: dict[str, str] | None = None, *, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``policykg serve ARGS`` in its own process group; wait for ``/healthz`` 200."""
    port = port or free_port()
    with log.open("ab") as sink:
        proc = subprocess.Popen(
            [POLICYKG, "serve", "--port", str(port), *args], stdout=sink, stderr=sink,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if proc.poll() is not None:
            pytest.fail(f"server stopped with {proc.returncode}: " + log.read_text())
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("server did not start: " + log.read_text())


def stop(proc: subprocess.Popen[bytes], *, hard: bool = False) -> None:
    """Stop the server: SIGTERM, or with ``hard`` SIGKILL to its whole group (a crash)."""
    if hard:
        os.killpg(proc.pid, signal.SIGKILL)  # the server and its workers, as a crash would
    else:
        proc.terminate()
    proc.wait(timeout=60)
