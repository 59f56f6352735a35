"""The API over a published store serves exactly the current version, on both servers.

A store written by ``policykg publish`` holds, beside the public graphs, the control graph
and each kept version's stored copies (``<BASE>graph/publication/V/N``). Over such a store
(B published, then A: B's and A's copies kept), the API answers as the embedded store built
from A: every named query, ``/sparql`` on the default graph and over ``GRAPH ?g``, the
service description's counts. Then another process publishes B while the API runs: within
the re-check interval (``POLICYKG_REMOTE_RECHECK``) the API answers as B's graph does
(a pyoxigraph store loaded with B's ``policykg.nq``, its default graph the union).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from pydantic import SecretStr
from rdflib import Graph

from policykg.graph.build import BuildReport
from policykg.kg import Rows
from policykg.namespaces import all_prefixes
from policykg.remote import RemoteStore
from policykg.remote.publish import Build, publish, read_build, rollback
from policykg.settings import RemoteSettings, Settings
from policykg.sparql.queries import QueryLibrary

from ..queries.test_named_queries import normalise
from .publishing import BASE, CLI, cli_env, variant, wipe
from .servers import RemoteServer, oxigraph_server, virtuoso_server

pytestmark = pytest.mark.server

LIBRARY = QueryLibrary.load(Settings().queries_dir)
#: The named queries a remote store answers (search needs the embedded store's index).
NAMED = [q.name for q in LIBRARY if not any(p.type == "search" for p in q.params)]
JSON = {"Accept": "application/sparql-results+json"}
#: A SPARQL result's columns and rows.
Answer = tuple[list[str], list[list[str | None]]]
#: Seconds between the API's checks of the published version, in these tests.
RECHECK = 0.5
QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "per graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "types": "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "broader": "SELECT ?a ?b WHERE { ?a skos:broader ?b }",
}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteServer]:
    """A store of this module's own: Oxigraph with a union default graph, or Virtuoso."""
    folder = tmp_path_factory.mktemp(f"served-{request.param}")
    if request.param == "oxigraph":
        with oxigraph_server(folder, union_default_graph=True) as started:
            yield started
    else:
        with virtuoso_server(folder) as started:
            yield started


@pytest.fixture(scope="module")
def builds(
    built: tuple[Settings, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Build, Build, Path]:
    """A (the seed graph's build), B (without source 000 and 5 ontology quads), B's dist."""
    folder = tmp_path_factory.mktemp("served-variants") / "b"
    b = variant(built[0].dist, folder, drop_graph="000_d336fba75509138b", drop_quads=5)
    return read_build(built[0].dist), b, folder


@pytest.fixture(scope="module")
def published(server: RemoteServer, builds: tuple[Build, Build, Path]) -> RemoteServer:
    """``server`` with B published, then A (current), both kept."""
    a, b, _ = builds
    with RemoteStore(server.endpoint(timeout=120)) as store:
        wipe(store)
        publish(store, b, BASE)
        publish(store, a, BASE)
    return server


def _settings(built: tuple[Settings, BuildReport], server: RemoteServer | None) -> Settings:
    if server is None:
        return Settings(dist=built[0].dist, workers=1)
    password = SecretStr(server.password) if server.password is not None else None
    remote = RemoteSettings(
        url=server.url, username=server.username, password=password, recheck=RECHECK
    )
    return Settings(dist=built[0].dist, workers=1, remote=remote)


@pytest.fixture(scope="module")
def api(built: tuple[Settings, BuildReport], published: RemoteServer) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(built, published))) as client:
        yield client


@pytest.fixture(scope="module")
def embedded(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(built, None))) as client:
        yield client


def _answer(body: bytes, sparql: str = "") -> Answer:
    """A SPARQL JSON result's columns and rows, sorted; the values ``sparql`` makes with
    ``GROUP_CONCAT`` with their parts sorted (SPARQL leaves their order open)."""
    data = json.loads(body)
    columns = data["head"]["vars"]
    concatenated = {
        match[2]: match[1]
        for match in re.finditer(
            r'GROUP_CONCAT\(.*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', sparql
        )
    }
    records = []
    for binding in data["results"]["bindings"]:
        record = {c: (binding[c]["value"] if c in binding else None) for c in columns}
        for column, separator in concatenated.items():
            if record.get(column):
                record[column] = separator.join(sorted(str(record[column]).split(separator)))
        records.append(record)
    return columns, normalise(Rows(columns, records), False)


def _named(client: TestClient, name: str) -> Answer:
    """A named query's answer, its rows sorted: what is served is compared here (the
    order of rows is tests/api/test_api_backends.py's; Virtuoso breaks ORDER BY's ties
    between literals of different languages otherwise than Oxigraph)."""
    response = client.get(f"/queries/{name}", headers=JSON)
    assert response.status_code == 200, (name, response.text)
    return _answer(response.content, LIBRARY.get(name).sparql)


def _sparql(client: TestClient, query: str) -> Answer:
    response = client.get("/sparql", params={"query": query}, headers=JSON)
    assert response.status_code == 200, response.text
    return _answer(response.content)


def _counts(client: TestClient) -> dict[str, list[str]]:
    """The service description's counts (``void:triples``, ``void:classes``, …)."""
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="nt")
    found: dict[str, list[str]] = {}
    for _, predicate, value in graph:
        if str(predicate).startswith("http://rdfs.org/ns/void#") and value.isnumeric():
            found.setdefault(str(predicate), []).append(str(value))
    return {k: sorted(v) for k, v in found.items()}


def _reference(nquads: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def _local(
    store: ox.Store, query: str, substitutions: dict[ox.Variable, object] | None = None
) -> bytes:
    result = store.query(
        query,
        prefixes=all_prefixes(BASE),
        substitutions=substitutions or None,  # type: ignore[arg-type]
        use_default_graph_as_union=True,
    )
    assert isinstance(result, ox.QuerySolutions)
    return result.serialize(format=ox.QueryResultsFormat.JSON) or b""


def _local_named(store: ox.Store, name: str) -> Answer:
    query = LIBRARY.get(name)
    body = _local(store, query.sparql, query.bind({}))  # type: ignore[arg-type]
    return _answer(body, query.sparql)


@pytest.mark.parametrize("name", NAMED)
def test_named_queries_answer_as_the_embedded_store_of_the_current_version(
    api: TestClient, embedded: TestClient, published: RemoteServer, name: str
) -> None:
    assert _named(api, name) == _named(embedded, name), name


def test_default_graph_graphs_and_counts_are_the_current_versions(
    api: TestClient, embedded: TestClient, builds: tuple[Build, Build, Path]
) -> None:
    for query in QUERIES.values():
        assert _sparql(api, query) == _sparql(embedded, query), query
    graphs = [row[0] for row in _sparql(api, QUERIES["per graph"])[1]]
    assert graphs == sorted(builds[0].graphs)
    assert _counts(api) == _counts(embedded)
    health = api.get("/healthz").json()
    assert health["status"] == "ok"


#: What a server over a build serves beside its data: its dumps' index and one file, the
#: dataset description.
LINKED_DATA = ("/dumps/?format=json", "/dumps/policykg.nt", "/.well-known/void")


def _linked_data(client: TestClient) -> dict[str, tuple[int, bytes]]:
    """Each of ``LINKED_DATA``'s status and body; a dump file's with its ETag (its
    checksum: the others' build ETags also hash the server's settings)."""
    answers = {}
    for path in LINKED_DATA:
        response = client.get(path)
        tag = response.headers.get("etag", "") if path.endswith(".nt") else ""
        answers[path] = (response.status_code, response.content + tag.encode())
    return answers


def test_the_current_versions_dumps_and_description_are_served(
    api: TestClient, embedded: TestClient, builds: tuple[Build, Build, Path]
) -> None:
    """A server whose ``dist/`` holds the current version's build serves its dumps and
    dataset description as a server over the embedded store of that build does, and tags
    its answers with that version (build ETags)."""
    assert _linked_data(api) == _linked_data(embedded)
    assert all(status == 200 for status, _ in _linked_data(api).values())
    response = api.get("/queries/sources", headers=JSON)
    assert response.status_code == 200
    assert response.headers["etag"].startswith(f'W/"{builds[0].version}-')


def test_a_version_published_by_another_process_is_served_within_the_bound(
    api: TestClient,
    embedded: TestClient,
    published: RemoteServer,
    builds: tuple[Build, Build, Path],
) -> None:
    a, b, b_dist = builds
    before = api.app.state.service.engine.generation  # type: ignore[attr-defined]
    env = cli_env(published) | {"POLICYKG_REMOTE_RECHECK": str(RECHECK)}
    done = subprocess.run(
        [*CLI, "publish", "--to", published.url, "--dist", str(b_dist)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    time.sleep(RECHECK + 1.0)  # the bound: one re-check interval and one small query
    assert api.app.state.service.engine.served.version == b.version  # type: ignore[attr-defined]
    assert api.app.state.service.engine.generation > before  # type: ignore[attr-defined]
    reference = _reference(b_dist / "policykg.nq")
    for query in QUERIES.values():
        assert _sparql(api, query) == _answer(_local(reference, query)), query
    for name in NAMED:
        assert _named(api, name) == _local_named(reference, name), name
    graphs = [row[0] for row in _sparql(api, QUERIES["per graph"])[1]]
    assert graphs == sorted(b.graphs)
    triples = _sparql(api, QUERIES["triples"])[1][0][0]
    assert triples == str(b.quads) != str(a.quads)
    # B's dumps are not in this server's dist/: none are served; answers are tagged B's
    assert {status for status, _ in _linked_data(api).values()} == {404}
    assert api.get("/queries/sources", headers=JSON).headers["etag"].startswith(f'W/"{b.version}-')
    # rolled back to A: the embedded store's answers again
    with RemoteStore(published.endpoint(timeout=120)) as store:
        assert rollback(store, BASE).version == a.version
    time.sleep(RECHECK + 1.0)
    assert _counts(api) == _counts(embedded)
    assert _sparql(api, QUERIES["per graph"]) == _sparql(embedded, QUERIES["per graph"])
    assert _linked_data(api) == _linked_data(embedded)
    assert api.get("/queries/sources", headers=JSON).headers["etag"].startswith(f'W/"{a.version}-')


class _Stop(Exception):
    """Stops a publish once its copies are loaded, before it verifies and switches."""


def _stop_before_verifying(message: str) -> None:
    if message.startswith("verifying"):
        raise _Stop(message)


def test_a_first_publish_cut_short_serves_none_of_its_copies(
    built: tuple[Settings, BuildReport], server: RemoteServer, builds: tuple[Build, Build, Path]
) -> None:
    """Nothing is current yet, so nothing is public: the API serves an empty dataset, not
    the staged copies and the control graph (on Oxigraph it served every graph)."""
    a, _, _ = builds
    with RemoteStore(server.endpoint(timeout=120)) as store:
        wipe(store)
        with pytest.raises(_Stop):
            publish(store, a, BASE, progress=_stop_before_verifying)
    with TestClient(create_app(_settings(built, server))) as client:
        assert client.app.state.service.engine.served.version is None  # type: ignore[attr-defined]
        nothing = ox.Store()
        for query in QUERIES.values():
            assert _sparql(client, query) == _answer(_local(nothing, query)), query
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
        assert response.json() == {"head": {}, "boolean": False}
