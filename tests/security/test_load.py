"""The load test (:mod:`tests.security.loadtest`) against a real server over the built graph.

CI runs each phase for ``POLICYKG_LOAD_SECONDS`` (10 by default; the figures of full
60-second runs are in docs/reliability.md). 32 clients on the mix: no error at all; with a
quarter of them sending queries that hit the (5 s) time limit: still no error in the mix,
those queries answer 503, and the mix's p99 stays within twice the calm p99.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator

import pytest

from policykg.graph.build import BuildReport
from policykg.settings import Settings
from tests.security.loadtest import run
from tests.security.serving import start, stop

SECONDS = float(os.environ.get("POLICYKG_LOAD_SECONDS", "10"))
CLIENTS = 32


@pytest.fixture(scope="module")
def served(
    built: tuple[Settings, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    env = {"POLICYKG_MAX_PER_CLIENT": str(CLIENTS * 2)}  # every client is 127.0.0.1
    args = ["--store", str(built[0].dist), "--timeout", "5"]
    proc, url = start(args, tmp_path_factory.mktemp("load") / "server.log", env)
    try:
        yield url
    finally:
        stop(proc)


@pytest.mark.server
def test_load_mix_has_no_errors_and_a_slow_storm_keeps_p99(served: str) -> None:
    result = asyncio.run(run(served, clients=CLIENTS, seconds=SECONDS))
    print(json.dumps(result, indent=2))
    calm, storm = result["calm"], result["storm"]
    assert calm["errors"] == 0, calm["first_errors"]
    assert storm["errors"] == 0, storm["first_errors"]
    assert set(calm["by_kind"]) == {"named query", "lookup", "resource page", "network", "export"}
    assert set(storm["slow_statuses"]) == {"503"}, storm["slow_statuses"]
    assert result["p99_ratio"] <= 2.0, result
