"""Fixtures for the browser tests: a real server process and headless Chromium.

``server`` serves the small test data in ``data/``; ``policy_server`` builds the real
policy graph into a temporary folder and serves that.

Chromium is Debian's (``/usr/bin/chromium``, or ``POLICYKG_CHROMIUM``) driven by
Playwright through its executable path; ``playwright install`` is never needed.
Without Chromium the tests skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DATA", "ROOT", "Server"]

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("POLICYKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Server:
    """A server process listening on ``url``, its log kept in ``log``."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url, self.process, self.log = url, process, log


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_CLI = [sys.executable, "-c", "from policykg.cli.commands import app; app()"]


def _command(port: int, data: Path | None = None) -> list[str]:
    """``policykg serve --host 127.0.0.1 --port PORT [--data FILE]``, run by this Python."""
    serve = ["serve"] if _has_subcommands() else []
    extra = ["--data", str(data)] if data is not None else []
    return [*_CLI, *serve, "--host", "127.0.0.1", "--port", str(port), *extra]


def _has_subcommands() -> bool:
    """Whether ``policykg`` takes ``serve`` as a subcommand (typer runs a lone one directly)."""
    from typer.main import get_command

    from policykg.cli.commands import app

    return hasattr(get_command(app), "commands")


def _wait_until_up(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            pytest.fail(f"server exited with {code}:\n{server.log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    log = server.log.read_text()
    pytest.fail(f"server not answering on {server.url} after {timeout} s:\n{log}")


def _need_chromium() -> None:
    """Skip without Chromium; fail instead under ``CI=true``."""
    if not CHROMIUM.is_file():
        reason = f"Chromium not found at {CHROMIUM}; run scripts/install-debian (as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)


@contextmanager
def _serving(env: dict[str, str], folder: Path, data: Path | None = None) -> Iterator[Server]:
    """``policykg serve`` on a free loopback port, stopped on exit; its log in ``folder``."""
    port = _free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command(port, data), env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``policykg serve`` on a free loopback port: ``data/sample.ttl``, ``data/queries``
    and the JSON-LD context ``data/ontology/context.jsonld``."""
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(DATA / "queries", root / "queries")
    shutil.copytree(DATA / "ontology", root / "ontology")
    env = {
        **os.environ,
        "POLICYKG_ROOT": str(root),
        "POLICYKG_DIST": str(root / "dist"),
    }
    with _serving(env, root, DATA / "sample.ttl") as server:
        yield server


@pytest.fixture(scope="module")
def policy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``policykg serve`` on the real policy graph and named queries of this checkout.

    The graph is built first with ``policykg build`` into a temporary folder
    (``POLICYKG_DIST``), which the server then serves, so the repository's ``dist/``
    is neither read nor written.
    """
    _need_chromium()  # before the build: without a browser there is nothing to serve for
    folder = tmp_path_factory.mktemp("policy")
    # The checkout's ontology/, graph/ and queries/; only dist/ goes elsewhere.
    env = {**os.environ, "POLICYKG_ROOT": str(ROOT), "POLICYKG_DIST": str(folder / "dist")}
    build = subprocess.run(
        [*_CLI, "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if build.returncode != 0 or not (folder / "dist" / "store").is_dir():
        pytest.fail(
            f"policykg build exited with {build.returncode}:\n{build.stdout}\n{build.stderr}"
        )
    with _serving(env, folder) as server:
        yield server


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh profile."""
    _need_chromium()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        try:
            yield context
        finally:
            context.close()
