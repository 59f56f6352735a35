"""What the API answers when the remote store misbehaves.

A store on loopback (a socket server here) answers the start-up checks at once, and every
other query either

- by sending a result **one byte every 0.1 s**, never finishing: an HTTP client's read
  time-out never fires (bytes keep coming), so only a deadline on the whole request ends
  it. The API must answer 503 with the embedded store's time-limit body at the limit, and
  the store must see the connection closed then; or
- with a result that cannot be read (``answer``): a 502 that says so, never a 500.
"""

from __future__ import annotations

import gc
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.settings import RemoteSettings, Settings

from .servers import free_port

LIMIT = 1.0
EMPTY = b'{"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": []}}'
TRUE = b'{"head": {}, "boolean": true}'


@dataclass
class TricklingStore:
    """The fake store: its port, when each trickled answer's connection was closed, and the
    whole answer to send instead of trickling one."""

    port: int
    answer: bytes | None = None
    closed_after: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def _answer(conn: socket.socket, store: TricklingStore) -> None:
    with conn:
        while not store.stop.is_set():
            request = _read_request(conn)
            if not request:
                return
            if b"ASK" in request:
                body = TRUE
            elif b"GRAPH" in request:
                body = EMPTY
            elif store.answer is not None:
                body = store.answer
            else:
                _trickle(conn, store)
                return
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )


def _trickle(conn: socket.socket, store: TricklingStore) -> None:
    started = time.monotonic()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    try:
        while not store.stop.is_set():
            conn.sendall(b"1\r\n \r\n")
            time.sleep(0.1)
    except OSError:  # the client closed the connection
        store.closed_after.append(time.monotonic() - started)


@pytest.fixture
def trickling() -> Iterator[TricklingStore]:
    listener = socket.create_server(("127.0.0.1", free_port()))
    store = TricklingStore(port=listener.getsockname()[1])

    def serve() -> None:
        listener.settimeout(0.2)
        while not store.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=_answer, args=(conn, store), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield store
    store.stop.set()
    thread.join(timeout=5)
    listener.close()


def test_the_request_is_abandoned_at_the_deadline(trickling: TricklingStore) -> None:
    remote = RemoteSettings(url=f"sparql+http://127.0.0.1:{trickling.port}/query")
    settings = Settings(workers=1, query_timeout=LIMIT, remote=remote)
    with TestClient(create_app(settings)) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        took = time.monotonic() - started
        deadline = time.monotonic() + 3
        while not trickling.closed_after and time.monotonic() < deadline:
            time.sleep(0.05)
    assert response.status_code == 503
    assert response.json() == {
        "error": "Query timed out",
        "message": f"the query exceeded the {LIMIT:g} s time limit and was stopped",
        "status": 503,
    }
    assert LIMIT <= took < LIMIT + 1.5
    assert len(trickling.closed_after) == 1
    assert LIMIT - 0.2 <= trickling.closed_after[0] < LIMIT + 1.0


#: A result set whose second row binds a term of no known kind.
UNREADABLE = (
    b'{"head": {"vars": ["s"]}, "results": {"bindings": ['
    b'{"s": {"type": "literal", "value": "one"}}, {"s": {"type": "bogus", "value": "two"}}]}}'
)


@pytest.mark.parametrize(
    ("query", "fault"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "Unexpected term type: 'bogus'"),
        (
            "CONSTRUCT WHERE { ?s ?p ?o }",
            "Parser error at line 1 column 1: The subject of a triple must be an IRI or a "
            "blank node (line 1)",
        ),
    ],
)
def test_a_result_that_cannot_be_read_is_a_bad_gateway(
    trickling: TricklingStore, monkeypatch: pytest.MonkeyPatch, query: str, fault: str
) -> None:
    """A 502 naming the store and the fault; and pyoxigraph's result set is dropped on the
    thread that read it (dropped elsewhere, it raises in a destructor)."""
    trickling.answer = UNREADABLE
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))
    remote = RemoteSettings(url=f"sparql+http://127.0.0.1:{trickling.port}/query")
    settings = Settings(workers=1, query_timeout=LIMIT, remote=remote)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/sparql", params={"query": query})
        gc.collect()
    assert response.status_code == 502
    assert response.json() == {
        "error": "Store error",
        "message": f"the store at http://127.0.0.1:{trickling.port}/query sent a result "
        f"that cannot be read: {fault}",
        "status": 502,
    }
    assert unraisable == []
