"""The SPARQL Protocol and Graph Store Protocol client against real Oxigraph and Virtuoso."""

from __future__ import annotations

import csv
import io
import socket
import threading
from collections.abc import Iterator

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from policykg.errors import BadRequest, NotFound, QueryTimeout
from policykg.remote import Endpoint, RemoteStore, StoreError, StoreUnavailable

from .servers import RemoteServer, free_port

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
TRIPLES = b"""\
<https://example.org/a> <https://example.org/p> "one" .
<https://example.org/a> <https://example.org/p> "twee"@nl .
<https://example.org/b> <https://example.org/q> <https://example.org/a> .
"""


def _triples(data: bytes) -> set[tuple[str, str, str]]:
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in parse(data, format=RdfFormat.N_TRIPLES)
    }


def _count(remote: RemoteStore, graph: str) -> int:
    rows = remote.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    value = rows[0]["n"]
    assert isinstance(value, Literal)
    return int(value.value)


def test_put_get_graph_round_trip(remote: RemoteStore, graph_iri: str) -> None:
    remote.put_graph(graph_iri, TRIPLES, RdfFormat.N_TRIPLES)
    assert _triples(remote.get_graph(graph_iri, RdfFormat.N_TRIPLES)) == _triples(TRIPLES)
    assert _count(remote, graph_iri) == len(_triples(TRIPLES))


def test_post_adds_put_replaces_delete_removes(remote: RemoteStore, graph_iri: str) -> None:
    remote.put_graph(graph_iri, TRIPLES)
    extra = b'<https://example.org/c> <https://example.org/p> "three" .\n'
    remote.post_graph(graph_iri, extra)
    assert _triples(remote.get_graph(graph_iri)) == _triples(TRIPLES) | _triples(extra)
    remote.put_graph(graph_iri, extra)
    assert _triples(remote.get_graph(graph_iri)) == _triples(extra)
    remote.delete_graph(graph_iri)
    assert _count(remote, graph_iri) == 0


def test_get_missing_graph_is_not_found(remote: RemoteStore, graph_iri: str) -> None:
    with pytest.raises(NotFound):
        remote.get_graph(graph_iri)


def test_update_then_select(remote: RemoteStore, graph_iri: str) -> None:
    remote.update(
        f"INSERT DATA {{ GRAPH <{graph_iri}> {{ <https://example.org/x> <https://example.org/p> 42 }} }}"
    )
    rows = remote.select(
        f"SELECT ?o WHERE {{ GRAPH <{graph_iri}> {{ <https://example.org/x> ?p ?o }} }}"
    )
    assert rows == [{"o": Literal("42", datatype=XSD_INTEGER)}]


def test_query_returns_the_requested_format(remote: RemoteStore, graph_iri: str) -> None:
    remote.put_graph(graph_iri, TRIPLES)
    response = remote.query(
        f"SELECT ?s WHERE {{ GRAPH <{graph_iri}> {{ ?s <https://example.org/q> ?o }} }}",
        accept="text/csv",
    )
    assert response.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(response.body.decode())))
    assert rows == [["s"], ["https://example.org/b"]]


def test_bad_query_is_bad_request_with_the_servers_message(remote: RemoteStore) -> None:
    with pytest.raises(BadRequest) as caught:
        remote.query("SELEC ?s WHERE { ?s ?p ?o }")
    assert caught.value.status == 400
    assert caught.value.message  # the server's own words, kept
    assert "SELEC" in caught.value.message or "error" in caught.value.message.lower()


def test_bad_update_is_bad_request(remote: RemoteStore) -> None:
    with pytest.raises(BadRequest):
        remote.update("INSERT DATA { <https://example.org/x> }")


def test_refused_connection_is_store_unavailable() -> None:
    port = free_port()  # nothing listens there
    endpoint = Endpoint.from_url(f"sparql+http://127.0.0.1:{port}/query")
    with RemoteStore(endpoint) as remote, pytest.raises(StoreUnavailable) as caught:
        remote.query("ASK {}")
    assert caught.value.status == 503
    assert caught.value.message.startswith(
        f"cannot reach the store at http://127.0.0.1:{port}/query"
    )


@pytest.fixture
def silent_server() -> Iterator[tuple[int, threading.Event]]:
    """A loopback server that accepts a request and never answers; the event is set when
    the client closes the connection."""
    closed = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(30)
            while connection.recv(65536):
                pass  # read until the client closes
            closed.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], closed
    listener.close()


def test_timeout_cancels_the_request(silent_server: tuple[int, threading.Event]) -> None:
    port, closed = silent_server
    endpoint = Endpoint.from_url(f"sparql+http://127.0.0.1:{port}/query", timeout=0.5)
    with RemoteStore(endpoint) as remote, pytest.raises(QueryTimeout) as caught:
        remote.query("ASK {}")
    assert caught.value.message == (
        f"the store at http://127.0.0.1:{port}/query did not answer the query within 0.5 s"
    )
    remote.close()
    assert closed.wait(10), "the connection stayed open after the time limit"


def test_wrong_credentials_are_a_store_error(virtuoso: RemoteServer, graph_iri: str) -> None:
    endpoint = Endpoint.from_url(virtuoso.url, username="dba", password="not-the-password")
    with RemoteStore(endpoint) as remote, pytest.raises(StoreError) as caught:
        remote.update(f"CLEAR SILENT GRAPH <{graph_iri}>")
    assert caught.value.status == 502
    assert "refused the credentials (401)" in caught.value.message


def test_bad_url_names_the_parameter() -> None:
    with pytest.raises(BadRequest) as caught:
        Endpoint.from_url("ftp://example.org/sparql")
    assert caught.value.message == (
        "parameter 'url': expected sparql+http://host:port/path (or http/https), "
        "got 'ftp://example.org/sparql'"
    )
