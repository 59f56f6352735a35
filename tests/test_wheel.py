"""The built wheel works outside the checkout: build, query and serve from a fresh venv.

The wheel carries the ontology, sources, named queries, the query page and (when
``npm ci`` has run) YASGUI as package data; nothing is read from the repository. Its
dependencies come from the package index (pip's cache makes that quick after the first
run).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from policykg.data import checkout

pytestmark = pytest.mark.server

ROOT = checkout()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A venv outside the checkout with the wheel installed, and an environment for it."""
    assert ROOT is not None, "the tests run from an editable install of a checkout"
    if not (ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("node_modules is missing: run scripts/install-debian (npm ci)")
        pytest.skip("node_modules is missing: the wheel would have no query page")
    home = tmp_path_factory.mktemp("wheel")
    wheels = home / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        cwd=home,
    )
    (wheel,) = wheels.glob("policykg-*.whl")
    env_dir = home / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "constraints.txt"),
         str(wheel)],
        check=True, cwd=home,
    )  # fmt: skip
    env = {
        "PATH": f"{env_dir / 'bin'}:{os.environ['PATH']}",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "POLICYKG_JEMALLOC": "false",
    }
    return env_dir, env


def test_the_wheel_carries_the_data(installed: tuple[Path, dict[str, str]]) -> None:
    """Every data file of the checkout's ontology/, graph/ and queries/ is in the wheel."""
    assert ROOT is not None
    (wheel,) = (installed[0].parent / "wheels").glob("policykg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in (("ontology", "*.ttl"), ("graph", "**/*.trig"), ("queries", "*.rq")):
        for path in (ROOT / folder).glob(pattern):
            assert f"policykg/_data/{path.relative_to(ROOT)}" in names, path
    assert "policykg/api/ui/index.html" in names
    assert "policykg/_data/node_modules/@zazuko/yasgui/build/yasgui.min.js" in names
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):  # /docs, offline
        assert f"policykg/_data/node_modules/swagger-ui-dist/{name}" in names


def test_build_query_and_serve_from_the_wheel(installed: tuple[Path, dict[str, str]]) -> None:
    env_dir, env = installed
    cli = str(env_dir / "bin" / "policykg")
    cwd = env_dir.parent
    built = subprocess.run([cli, "build"], env=env, cwd=cwd, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (cwd / "data" / "policykg" / "dist" / "policykg.nq").is_file()
    query = subprocess.run(
        [cli, "query", "status-as-of", "-p", "date=2025-11-10", "-f", "csv"],
        env=env, cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert query.returncode == 0, query.stderr
    assert "https://w3id.org/policykg/id/linkedin-genai-training-eu" in query.stdout
    port = _free_port()
    server = subprocess.Popen(
        [cli, "serve", "--port", str(port), "--workers", "1"],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    assert b"<title>" in page.read()
                break
            except OSError:
                assert server.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
        url = f"http://127.0.0.1:{port}/queries/status-as-of?date=2025-11-10"
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert b"linkedin-genai-training-eu" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
