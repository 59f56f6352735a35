"""Each server's departures from the standards, one test each, against the real servers."""

from __future__ import annotations

import json

import httpx
from pyoxigraph import Literal, NamedNode

from policykg.remote import Endpoint, RemoteStore

from .servers import RemoteServer

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
TRIPLE = "<https://example.org/s> <https://example.org/p> 7"


def test_oxigraph_paths_query_update_store(oxigraph: RemoteServer) -> None:
    endpoint = oxigraph.endpoint()
    assert (endpoint.kind, endpoint.query_url, endpoint.update_url, endpoint.graph_store_url) == (
        "oxigraph",
        oxigraph.query_url,
        oxigraph.update_url,
        oxigraph.graph_store_url,
    )
    assert oxigraph.graph_store_url.endswith("/store")


def test_virtuoso_graph_store_path_is_sparql_graph_crud(
    virtuoso: RemoteServer, graph_iri: str
) -> None:
    """Virtuoso's Graph Store Protocol lives at /sparql-graph-crud(-auth), not a chosen path."""
    endpoint = virtuoso.endpoint()
    assert endpoint.graph_store_url == virtuoso.graph_store_url
    assert endpoint.graph_store_url.endswith("/sparql-graph-crud-auth")
    assert endpoint.update_url.endswith("/sparql-auth")
    anonymous = Endpoint.from_url(virtuoso.url)
    assert anonymous.graph_store_url is not None
    assert anonymous.graph_store_url.endswith("/sparql-graph-crud")
    with RemoteStore(endpoint) as remote:
        remote.put_graph(graph_iri, f"{TRIPLE} .\n".encode())
    # ... and the anonymous path reads what the authenticated one wrote.
    with RemoteStore(anonymous) as remote:
        assert b"https://example.org/s" in remote.get_graph(graph_iri)


def test_virtuoso_default_graph_is_the_union_of_all_graphs(
    store_server: RemoteServer, graph_iri: str
) -> None:
    """A triple only in a named graph is in Virtuoso's default graph, not in Oxigraph's."""
    with RemoteStore(store_server.endpoint()) as remote:
        remote.update(f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {TRIPLE} }} }}")
        in_default = remote.ask(f"ASK {{ {TRIPLE} }}")
        assert in_default is remote.endpoint.adapter.default_graph_is_union
        assert in_default is (store_server.kind == "virtuoso")
        # Naming the dataset gives the standard's answer on both.
        rows = remote.select(
            f"SELECT ?o WHERE {{ {TRIPLE.replace('7', '?o')} }}",
            default_graphs=["https://example.org/no-such-graph"],
        )
        assert rows == []
        rows = remote.select(
            f"SELECT ?o WHERE {{ {TRIPLE.replace('7', '?o')} }}", default_graphs=[graph_iri]
        )
        assert rows == [{"o": Literal("7", datatype=XSD_INTEGER)}]


def test_virtuoso_ask_answers_a_result_set(store_server: RemoteServer) -> None:
    """Virtuoso answers ASK with a one-row result set (__ASK_RETVAL), not a boolean;
    ask() reads both."""
    with RemoteStore(store_server.endpoint()) as remote:
        raw = json.loads(remote.query("ASK {}", accept="application/sparql-results+json").body)
        if store_server.kind == "virtuoso":
            assert "boolean" not in raw
            assert raw["head"]["vars"] == ["__ASK_RETVAL"]
        else:
            assert raw["boolean"] is True
        assert remote.ask("ASK {}") is True
        assert remote.ask("ASK { <https://example.org/none> ?p ?o }") is False


def test_virtuoso_json_results_type_literals_as_typed_literal(
    virtuoso: RemoteServer, graph_iri: str
) -> None:
    """Virtuoso's JSON results say "typed-literal"; select() reads its XML results instead."""
    with RemoteStore(virtuoso.endpoint()) as remote:
        remote.update(f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {TRIPLE} }} }}")
        query = f"SELECT ?o WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
        raw = json.loads(remote.query(query, accept="application/sparql-results+json").body)
        assert raw["results"]["bindings"][0]["o"]["type"] == "typed-literal"
        assert remote.endpoint.adapter.select_accept == "application/sparql-results+xml"
        assert remote.select(query) == [{"o": Literal("7", datatype=XSD_INTEGER)}]


def test_virtuoso_update_answers_with_a_result_set(virtuoso: RemoteServer, graph_iri: str) -> None:
    """Virtuoso answers an update with a result set (the standard leaves the body open);
    the client reads only the status."""
    auth = httpx.DigestAuth("dba", "dba")
    response = httpx.post(
        virtuoso.update_url,
        data={"update": f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {TRIPLE} }} }}"},
        auth=auth,
    )
    assert response.status_code == 200
    assert b"<sparql" in response.content
    with RemoteStore(virtuoso.endpoint()) as remote:
        remote.update(f"CLEAR GRAPH <{graph_iri}>")  # no error from the body


def test_virtuoso_writes_need_digest_auth(virtuoso: RemoteServer, graph_iri: str) -> None:
    """The anonymous /sparql user may not update; /sparql-auth takes digest, not basic."""
    update = {"update": f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {TRIPLE} }} }}"}
    anonymous = httpx.post(virtuoso.query_url, data=update)
    assert anonymous.status_code != 200
    challenge = httpx.post(virtuoso.update_url, data=update)
    assert challenge.status_code == 401
    assert challenge.headers["www-authenticate"].startswith("Digest ")
    basic = httpx.post(virtuoso.update_url, data=update, auth=httpx.BasicAuth("dba", "dba"))
    assert basic.status_code == 401
