"""A real ``policykg serve``: header cap and timeout, durable writes across kill -9, leftovers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from policykg.leftovers import OWNER_FILE, remove_stale_staging, remove_stale_stores
from tests.api.apisupport import AUTH, PEOPLE, TOKEN
from tests.serving import POLICYKG, start, stop

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("limits") / "server.log"
    proc, url = start(["--data", str(PEOPLE)], log, {"POLICYKG_HEADER_TIMEOUT": "2"})
    try:
        yield url
    finally:
        stop(proc)


def raw(url: str, data: bytes, *, wait: float = 30) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
        return b"".join(chunks)


def body(response: bytes) -> dict[str, object]:
    return json.loads(response.split(b"\r\n\r\n", 1)[1])  # type: ignore[no-any-return]


def test_a_head_over_the_cap_is_431_before_it_is_complete(server: str) -> None:
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept: " + b"a" * 40_000  # never finished
    response = raw(server, head)
    assert response.startswith(b"HTTP/1.1 431 ")
    assert body(response) == {
        "error": "Request header fields too large",
        "message": "the request line and headers are over the limit of 16384 bytes",
        "status": 431,
    }


def test_an_unfinished_head_is_closed_after_the_header_timeout(server: str) -> None:
    started = time.monotonic()
    response = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    assert 1.5 < time.monotonic() - started < 20
    assert response.startswith(b"HTTP/1.1 408 ")
    assert body(response) == {
        "error": "Request timeout",
        "message": "the request head did not arrive within 2 s",
        "status": 408,
    }


def test_a_silent_connection_is_closed_too(server: str) -> None:
    response = raw(server, b"")
    assert response.startswith(b"HTTP/1.1 408 ")


def test_crlf_in_a_header_is_refused_by_the_parser(server: str) -> None:
    response = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rInjected: b\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 400 ")


def test_enable_update_needs_data_or_store() -> None:
    result = subprocess.run(
        [POLICYKG, "serve", "--enable-update", "--update-token", TOKEN],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        "policykg serve: --enable-update needs --data FILE (writes go to a temporary copy and "
        "are lost when the server stops) or --store DIR (writes are kept in DIR/store)\n"
    )


def test_writes_to_a_store_survive_kill_9_and_restart(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    args = ["--store", str(tmp_path / "dist"), "--enable-update", "--update-token", TOKEN]
    graph = {"graph": "http://example.org/kept"}
    turtle = "<http://example.org/s> <http://example.org/p> 'kept' ."
    for round_ in range(3):
        proc, url = start(args, log)
        try:
            if round_ == 0:
                put = httpx.put(url + "/store", params=graph, content=turtle,
                                headers={**AUTH, "Content-Type": "text/turtle"}, timeout=120)  # fmt: skip
                assert put.status_code == 201
            got = httpx.get(
                url + "/store", params=graph, headers={"Accept": "application/n-triples"}
            )
            assert got.status_code == 200
            assert got.text == '<http://example.org/s> <http://example.org/p> "kept" .\n'
        finally:
            stop(proc, hard=True)
    assert "updates are written to" in log.read_text()


def test_data_with_updates_says_writes_are_lost(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc, _ = start(["--data", str(PEOPLE), "--enable-update", "--update-token", TOKEN], log)
    stop(proc)
    assert "updates go to a temporary copy of the --data files and are lost" in log.read_text()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftover_stores_of_dead_owners_are_removed(tmp_path: Path) -> None:
    dead, alive = tmp_path / "policykg-store-dead", tmp_path / "policykg-store-alive"
    old, new = tmp_path / "policykg-store-old", tmp_path / "policykg-store-new"
    for folder in (dead, alive, old, new):
        folder.mkdir()
    (dead / OWNER_FILE).write_text(str(_dead_pid()))
    (alive / OWNER_FILE).write_text(str(os.getpid()))
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert sorted(remove_stale_stores(tmp_path)) == sorted([dead, old])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "policykg-store-alive",
        "policykg-store-new",
    ]


def test_leftover_build_staging_of_dead_builds_is_removed(tmp_path: Path) -> None:
    stores = tmp_path / "stores"
    stores.mkdir()
    pid = _dead_pid()
    (stores / f".abc.tmp-{pid}").mkdir()
    (stores / f".abc.tmp-{os.getpid()}").mkdir()
    (tmp_path / f".store.tmp-{pid}").symlink_to("stores/abc")
    (stores / "abc").mkdir()
    removed = remove_stale_staging(tmp_path)
    assert sorted(p.name for p in removed) == [f".abc.tmp-{pid}", f".store.tmp-{pid}"]
    assert sorted(p.name for p in stores.iterdir()) == [f".abc.tmp-{os.getpid()}", "abc"]
