"""``scripts/install-debian --no-browser`` says what it checked, never that chromium is present.

The script runs from a copy of ``scripts/`` in a temporary root whose node_modules
already matches its package-lock.json, so npm is never run.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from policykg.settings import Settings

ROOT = Settings().root


def test_no_browser_does_not_claim_chromium(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "install-debian", tmp_path / "scripts" / "install-debian")
    lock = tmp_path / "package-lock.json"
    lock.write_text("{}\n", encoding="utf-8")
    for name in ("@zazuko/yasgui/build/yasgui.min.js", "swagger-ui-dist/swagger-ui-bundle.js"):
        (tmp_path / "node_modules" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "node_modules" / name).write_text("", encoding="utf-8")
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    (tmp_path / "node_modules" / ".policykg-lock.sha256").write_text(digest + "\n")
    result = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "install-debian"), "--no-browser"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    npm = shutil.which("npm") is not None
    ldconfig = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    jemalloc = "libjemalloc.so.2" in ldconfig.stdout
    first = (result.stdout + result.stderr).splitlines()[0]
    if npm and jemalloc:
        assert first == (
            "install-debian: npm and libjemalloc2 are present (chromium, rapper and virtuoso-t not checked: --no-browser)"
        )
    else:
        assert "chromium" not in first
    if npm:
        assert "install-debian: node_modules matches package-lock.json" in result.stdout
