"""explore-state.js (the explorer's logic without a page) and explore-svg.js (its SVG
export) under node's built-in test runner.

The cases are in ``js/explore_state.test.cjs``: the view in the URL and back, the
filters as ``/network``'s query string, label search in nl/de/en, resource links, and
how an edge is drawn from its claims; and in ``js/explore_svg.test.cjs``: the SVG of a
view (one element per node and edge, escaped ids, the picture's box) and the spiral
that places large views. Without node the test skips, except under
``CI=true`` where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "js"


def test_explore_state_cases_pass_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        reason = "node not found; run scripts/install-debian (as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)
    cases = sorted(str(p) for p in CASES.glob("*.test.cjs"))
    assert cases, f"no test files in {CASES}"
    run = subprocess.run(
        [node, "--test", *cases], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout, run.stdout
    assert "# pass 0" not in run.stdout, run.stdout
