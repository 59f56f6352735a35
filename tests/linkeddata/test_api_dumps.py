"""``/dumps/``: the index (JSON and HTML) and the files, with ETag, 304, Range, HEAD and gzip."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from policykg.graph.build import BuildReport
from policykg.linkeddata.dumps import version_dir
from policykg.linkeddata.manifest import Manifest
from policykg.settings import Settings

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_index_lists_every_file_as_json(policy_client: TestClient, manifest: Manifest) -> None:
    response = policy_client.get("/dumps/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["version"] == manifest.version
    assert body["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["description"] == "/.well-known/void"
    assert body["files"] == [{**f.to_json(), "url": f"/dumps/{f.name}"} for f in manifest.files]


def test_index_is_a_table_for_browsers(policy_client: TestClient, manifest: Manifest) -> None:
    response = policy_client.get("/dumps/", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    links = re.findall(r'<td><a href="(/dumps/[^"]+)">', response.text)
    assert links == [f"/dumps/{f.name}" for f in manifest.files]
    for entry in manifest.files:
        assert f"<code>{entry.sha256}</code>" in response.text
    assert policy_client.get("/dumps/?format=json", headers={"Accept": BROWSER}).json()["files"]


def test_index_format_is_checked(policy_client: TestClient) -> None:
    response = policy_client.get("/dumps/?format=xml")
    assert response.status_code == 400
    assert response.json() == {
        "error": "Bad parameter",
        "message": "format: must be 'html' or 'json', not 'xml'",
        "status": 400,
    }


def test_every_file_is_served_whole_with_its_checksum_as_etag(
    policy_client: TestClient, manifest: Manifest, built: tuple[Settings, BuildReport]
) -> None:
    folder = version_dir(built[0], manifest.version)
    for entry in manifest.files:
        response = policy_client.get(f"/dumps/{entry.name}")
        assert response.status_code == 200, entry.name
        assert response.content == (folder / entry.name).read_bytes()
        assert hashlib.sha256(response.content).hexdigest() == entry.sha256
        assert response.headers["etag"] == f'"{entry.sha256}"'
        assert response.headers["content-length"] == str(entry.size)
        assert response.headers["content-type"].split(";")[0] == entry.media_type
        assert response.headers["content-disposition"] == f'attachment; filename="{entry.name}"'
        assert response.headers["last-modified"].endswith(" GMT")
        assert response.headers["cache-control"] == "public, no-cache"


def test_if_none_match_gives_304_without_a_body(
    policy_client: TestClient, manifest: Manifest
) -> None:
    entry = manifest.file("policykg.ttl.gz")
    assert entry is not None
    for etag in (f'"{entry.sha256}"', f'W/"{entry.sha256}"', f'"other", "{entry.sha256}"'):
        response = policy_client.get("/dumps/policykg.ttl.gz", headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == f'"{entry.sha256}"'
    changed = policy_client.get("/dumps/policykg.ttl.gz", headers={"If-None-Match": '"stale"'})
    assert changed.status_code == 200
    assert len(changed.content) == entry.size


def test_range_requests_get_the_right_bytes(
    policy_client: TestClient, manifest: Manifest, built: tuple[Settings, BuildReport]
) -> None:
    data = (version_dir(built[0], manifest.version) / "policykg.nt").read_bytes()
    response = policy_client.get("/dumps/policykg.nt", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.content == data[100:200]
    assert response.headers["content-range"] == f"bytes 100-199/{len(data)}"
    assert response.headers["content-length"] == "100"
    tail = policy_client.get("/dumps/policykg.nt", headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, data[-10:])
    resumed = policy_client.get(
        "/dumps/policykg.nt",
        headers={"Range": f"bytes={len(data) - 5}-", "Accept-Encoding": "gzip"},
    )
    assert (resumed.status_code, resumed.content) == (206, data[-5:])
    assert "content-encoding" not in resumed.headers
    beyond = policy_client.get("/dumps/policykg.nt", headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416


def test_if_range_with_a_stale_etag_sends_the_whole_file(
    policy_client: TestClient, manifest: Manifest
) -> None:
    entry = manifest.file("policykg.nt")
    assert entry is not None
    fresh = {"Range": "bytes=0-9", "If-Range": f'"{entry.sha256}"'}
    assert policy_client.get("/dumps/policykg.nt", headers=fresh).status_code == 206
    stale = {"Range": "bytes=0-9", "If-Range": '"an-older-version"'}
    whole = policy_client.get("/dumps/policykg.nt", headers=stale)
    assert (whole.status_code, len(whole.content)) == (200, entry.size)


def test_head_gives_the_headers_and_no_body(policy_client: TestClient, manifest: Manifest) -> None:
    for entry in manifest.files:
        get = policy_client.get(f"/dumps/{entry.name}")
        head = policy_client.head(f"/dumps/{entry.name}")
        assert head.status_code == 200
        assert head.content == b""
        for name in ("content-length", "content-type", "etag", "last-modified", "accept-ranges"):
            assert head.headers[name] == get.headers[name], (entry.name, name)


def test_files_are_not_compressed_on_the_fly_but_the_index_is(
    policy_client: TestClient, manifest: Manifest
) -> None:
    gzip = {"Accept-Encoding": "gzip"}
    file = policy_client.get("/dumps/policykg.nt", headers=gzip)
    assert "content-encoding" not in file.headers
    assert hashlib.sha256(file.content).hexdigest() == manifest.file("policykg.nt").sha256  # type: ignore[union-attr]
    index = policy_client.get("/dumps/", headers=gzip)
    assert index.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in index.headers["vary"]
    assert index.json()["version"] == manifest.version
    plain = policy_client.get("/dumps/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/manifest.json",
        "/dumps/..%2Fmanifest.json",
        "/dumps/..%2F..%2Fpolicykg.nq",
        "/dumps/%2e%2e%2f%2e%2e%2fpolicykg.nq",
        "/dumps/..%2F..%2Fstore%2FCURRENT",
        "/dumps/%2Fetc%2Fpasswd",
        "/dumps/policykg.ttl%00",
        "/dumps/POLICYKG.TTL",
        "/dumps/..%5Cmanifest.json",
    ],
)
def test_no_path_reaches_a_file_that_is_not_a_dump(policy_client: TestClient, path: str) -> None:
    response = policy_client.get(path, follow_redirects=False)
    assert response.status_code == 404, (path, response.status_code)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] == 404


async def _raw_get(app: Any, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as given (an HTTP client would remove its dot segments)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/..",
        "/dumps/.",
        "/dumps/../manifest.json",
        "/dumps/../../policykg.nq",
        "/dumps/../stores",
        "/dumps/./policykg.ttl/../manifest.json",
        "/dumps/.manifest.json.tmp",
    ],
)
def test_dot_segments_sent_as_they_are_reach_nothing(policy_client: TestClient, path: str) -> None:
    status, body = policy_client.portal.call(_raw_get, policy_client.app, path)
    assert (path, status) == (path, 404)
    assert json.loads(body)["status"] == 404


def test_an_unknown_dump_is_a_404_naming_it(policy_client: TestClient) -> None:
    response = policy_client.get("/dumps/policykg.xlsx")
    assert response.status_code == 404
    assert response.json() == {
        "error": "Not found",
        "message": "no dump named 'policykg.xlsx'; the dumps are listed at /dumps/",
        "status": 404,
    }
