"""End to end: ``policykg serve --data …`` in a subprocess, queried by real clients."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from tests.serving import start, stop

from .apisupport import PEOPLE, PROTOCOL

pytestmark = pytest.mark.server
NAME = URIRef("http://example.org/name")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    args = ["--data", str(PEOPLE), "--data", str(PROTOCOL), "--timeout", "5"]
    proc, url = start(args, log)
    try:
        yield url
    finally:
        stop(proc)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(entry["path"] == "/healthz" for entry in lines)  # JSON-lines access log


def test_sparqlwrapper_select_and_construct(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("SELECT ?n WHERE { <http://example.org/alice> <http://example.org/name> ?n }")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"] == [{"n": {"type": "literal", "value": "Alice"}}]
    client.setQuery("CONSTRUCT WHERE { <http://example.org/bob> <http://example.org/age> ?a }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 1


def test_sparqlwrapper_post(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod("POST")
    client.setQuery("ASK { ?s a <http://example.org/Person> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(server: str) -> None:
    graph = Graph(store=SPARQLStore(server + "/sparql"))
    names = {row[0] for row in graph.query("SELECT ?n WHERE { ?s <http://example.org/name> ?n }")}
    assert Literal("Alice") in names
    assert (URIRef("http://example.org/alice"), NAME, Literal("Alice")) in graph


def test_raw_http_and_streaming(server: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with httpx.stream(
        "GET", server + "/sparql", params={"query": query, "format": "tsv"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["x-policykg-truncated"] == "false"
        lines = b"".join(response.iter_bytes()).decode().splitlines()
    assert lines[0] == "?s\t?p\t?o"
    assert len(lines) == 12
    response = httpx.get(server + "/sparql", params={"query": "ASK {"})
    assert response.status_code == 400
    assert response.json()["error"] == "Query syntax error"


def test_slow_query_does_not_delay_a_fast_one(server: str) -> None:
    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { "
        + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(9))
        + " }"
    )

    async def both() -> tuple[httpx.Response, float, httpx.Response]:
        import asyncio

        async with httpx.AsyncClient(base_url=server, timeout=30) as client:
            slow_task = asyncio.create_task(client.get("/sparql", params={"query": slow}))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            fast = await client.get("/sparql", params={"query": "ASK {}"})
            took = time.monotonic() - started
            return fast, took, await slow_task

    import asyncio

    fast, took, slow_response = asyncio.run(both())
    assert fast.json()["boolean"] is True
    assert took < 1.0
    assert slow_response.status_code == 503
