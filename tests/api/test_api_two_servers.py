"""Two ``policykg serve --store sparql+http://…`` processes over one ``oxigraph serve``: the
same answers to the same named queries and resource pages, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from policykg.graph.build import BuildReport
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary
from tests.serving import free_port, start, stop

from ..remote.servers import RemoteServer

pytestmark = pytest.mark.server

PAGES = ["/id/linkedin", "/claim/000/eu-excluded", "/source/000_d336fba75509138b"]


@contextmanager
def api_process(store: RemoteServer, dist: Path, folder: Path) -> Iterator[str]:
    """A real ``policykg serve`` (uvicorn) on a free loopback port, serving from ``store``."""
    port = free_port()
    args = ["--store", store.url, "--timeout", "20"]
    env = {"POLICYKG_DIST": str(dist)}
    proc, url = start(args, folder / f"api-{port}.log", env, port=port)
    try:
        yield url
    finally:
        stop(proc)


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
