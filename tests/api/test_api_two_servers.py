"""Two ``policykg serve --store sparql+http://…`` processes over one ``oxigraph serve``: the
same answers to the same named queries and resource pages, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from policykg.graph.build import BuildReport
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary

from ..remote.servers import RemoteServer, free_port

pytestmark = pytest.mark.server

PAGES = ["/id/linkedin", "/claim/000/eu-excluded", "/source/000_d336fba75509138b"]


@contextmanager
def api_process(store: RemoteServer, dist: Path, folder: Path) -> Iterator[str]:
    """A real ``policykg serve`` (uvicorn) on a free loopback port, serving from ``store``."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "policykg"), "serve", "--port", str(port),
        "--store", store.url, "--timeout", "20",
    ]  # fmt: skip
    env = {**os.environ, "POLICYKG_DIST": str(dist)}
    log = folder / f"api-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("policykg serve did not start: " + log.read_text())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_two_api_processes_over_one_oxigraph_give_identical_answers(
    built: tuple[Settings, BuildReport],
    oxigraph_policy: RemoteServer,
    tmp_path: Path,
) -> None:
    with ExitStack() as stack:
        urls = [
            stack.enter_context(api_process(oxigraph_policy, built[0].dist, tmp_path))
            for _ in range(2)
        ]
        for url in urls:
            health = httpx.get(url + "/healthz").json()
            assert (health["backend"], health["location"]) == ("remote", oxigraph_policy.query_url)
        library = QueryLibrary.load(Settings().queries_dir)
        # the search queries need the embedded store's index: 501 on a remote store
        paths = [f"/queries/{q.name}" for q in library if all(p.type != "search" for p in q.params)]
        for path in paths + PAGES:
            for accept in ("text/turtle", "text/html") if path in PAGES else ("text/csv",):
                answers = [
                    httpx.get(url + path, headers={"Accept": accept}, timeout=30) for url in urls
                ]
                assert [a.status_code for a in answers] == [200, 200], path
                assert answers[0].content == answers[1].content, path
                assert answers[0].content.strip(), path
