"""``scripts/install-debian --no-browser`` says what it checked, never that chromium is present.

The script runs from a copy of ``scripts/`` in a temporary root whose node_modules
already matches its package-lock.json, so npm is never run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from policykg.settings import Settings

ROOT = Settings().root


def _root_with_npm_packages(tmp_path: Path) -> Path:
    """A copy of the script in a root whose node_modules matches its lockfile."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "install-debian", tmp_path / "scripts" / "install-debian")
    lock = tmp_path / "package-lock.json"
    lock.write_text("{}\n", encoding="utf-8")
    for name in ("@zazuko/yasgui/build/yasgui.min.js", "swagger-ui-dist/swagger-ui-bundle.js"):
        (tmp_path / "node_modules" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "node_modules" / name).write_text("", encoding="utf-8")
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    (tmp_path / "node_modules" / ".policykg-lock.sha256").write_text(digest + "\n")
    return tmp_path / "scripts" / "install-debian"


def test_no_browser_does_not_claim_chromium(tmp_path: Path) -> None:
    npm = shutil.which("npm") is not None
    ldconfig = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    jemalloc = "libjemalloc.so.2" in ldconfig.stdout
    result = subprocess.run(
        ["bash", str(_root_with_npm_packages(tmp_path)), "--no-browser"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first = (result.stdout + result.stderr).splitlines()[0]
    if npm and jemalloc:
        assert first == (
            "install-debian: npm and libjemalloc2 are present (chromium, rapper and virtuoso-t not checked: --no-browser)"
        )
    else:
        assert "chromium" not in first
    if npm:
        assert "install-debian: node_modules matches package-lock.json" in result.stdout


def test_a_long_library_list_finds_jemalloc_every_time(tmp_path: Path) -> None:
    """jemalloc listed early in a long ``ldconfig -p`` is found, and apt-get is never run.

    With ``ldconfig -p | grep -q`` under ``pipefail``, grep stopped at the first match,
    ldconfig died of SIGPIPE, and the library counted as missing (so root ran apt-get).
    """
    script = _root_with_npm_packages(tmp_path)
    tools = tmp_path / "tools"
    tools.mkdir()
    stubs = {
        "ldconfig": "echo '\tlibjemalloc.so.2 (libc6,x86-64) => /usr/lib/libjemalloc.so.2'\n"
        "yes '\tlibother.so.1 (libc6,x86-64) => /usr/lib/libother.so.1' | head -n 50000\n",
        "npm": "echo 'npm must not run' >&2; exit 1\n",
        "apt-get": "echo 'apt-get must not run' >&2; exit 1\n",
    }
    for name, body in stubs.items():
        (tools / name).write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
        (tools / name).chmod(0o755)
    environment = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}
    for _ in range(20):
        result = subprocess.run(
            ["bash", str(script), "--no-browser"],
            capture_output=True, text=True, check=False, timeout=60, env=environment,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout.splitlines() == [
            "install-debian: npm and libjemalloc2 are present"
            " (chromium, rapper and virtuoso-t not checked: --no-browser)",
            "install-debian: node_modules matches package-lock.json",
        ]
