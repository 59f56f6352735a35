"""HTTP basics on every route: HEAD, ETag from the build and 304, Cache-Control, gzip; and that
streamed results, the X-PolicyKG-* headers and the fast lane still work through them."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from policykg.api.routers import sparql as sparql_router

from policykg.linkeddata.manifest import Manifest

#: A value for each path parameter of the routes, where a real one exists.
SAMPLES = {
    "name": {
        "/queries/{name}": "status-as-of",
        "/dumps/{name}": "policykg.ttl",
        "/static/vendor/yasgui/{name}": "yasgui.min.css",
        "/static/ui/{name}": "app.css",
    },
}
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


class Counting:
    """What the engine answered meanwhile: in the server process ("inline") or on a worker."""

    def __init__(self, client: TestClient) -> None:
        self.engine = client.app.state.service.engine  # type: ignore[attr-defined]
        self.before: dict[str, int] = {}

    def __enter__(self) -> Counting:
        self.before = dict(self.engine.answered)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @property
    def calls(self) -> dict[str, int]:
        now = self.engine.answered
        return {k: now.get(k, 0) - self.before.get(k, 0) for k in ("inline", "worker")}


def _get_paths(client: TestClient) -> list[str]:
    """Every GET route of the app, its path parameters filled in."""
    paths = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if "GET" not in (route.methods or set()) or route.path is None:
            continue
        path = route.path
        for param in re.findall(r"{(\w+)(?::\w+)?}", path):
            value = SAMPLES.get(param, {}).get(route.path, "x")
            path = re.sub(r"{" + param + r"(?::\w+)?}", value, path)
        paths.append(path)
    return paths


def test_the_walk_finds_the_routers_routes(policy_client: TestClient) -> None:
    paths = _get_paths(policy_client)
    for expected in ("/sparql", "/queries/status-as-of", "/dumps/", "/.well-known/void", "/"):
        assert expected in paths


def test_head_works_on_every_get_route(policy_client: TestClient) -> None:
    for path in _get_paths(policy_client):
        get = policy_client.get(path, follow_redirects=False)
        head = policy_client.head(path, follow_redirects=False)
        assert (path, head.status_code) == (path, get.status_code)
        assert (path, head.content) == (path, b"")
        names = ["content-type", "etag", "cache-control", "content-encoding"]
        again = policy_client.get(path, follow_redirects=False)
        if again.content == get.content:  # (a body with fresh blank-node labels varies)
            names.append("content-length")
        for name in names:
            assert (path, name, head.headers.get(name)) == (path, name, get.headers.get(name))


def test_result_etag_is_the_builds_and_if_none_match_gives_304(
    policy_client: TestClient, manifest: Manifest
) -> None:
    url = "/queries/status-as-of?date=2025-11-10"
    first = policy_client.get(url, headers={"Accept": "text/csv"})
    etag = first.headers["etag"]
    assert etag.startswith(f'W/"{manifest.version}-')
    assert first.headers["cache-control"] == "public, no-cache"
    with Counting(policy_client) as counting:
        again = policy_client.get(url, headers={"Accept": "text/csv", "If-None-Match": etag})
        assert counting.calls == {"inline": 0, "worker": 0}  # answered before the query ran
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    json_etag = policy_client.get(url, headers={"Accept": "application/json"}).headers["etag"]
    other_date = policy_client.get(url.replace("11-10", "11-11"), headers={"Accept": "text/csv"})
    assert len({etag, json_etag, other_date.headers["etag"]}) == 3
    for mismatched in ('"nope"', "*"):
        fresh = policy_client.get(url, headers={"Accept": "text/csv", "If-None-Match": mismatched})
        assert fresh.status_code == (304 if mismatched == "*" else 200)


def test_errors_and_posts_get_no_etag(policy_client: TestClient) -> None:
    error = policy_client.get("/queries/status-as-of?date=never")
    assert error.status_code == 400
    assert "etag" not in error.headers
    post = policy_client.post("/sparql", data={"query": QUERY + " LIMIT 1"})
    assert post.status_code == 200
    assert "etag" not in post.headers
    health = policy_client.get("/healthz")
    assert "etag" not in health.headers


def test_streamed_results_are_gzipped_with_their_headers(
    policy_client: TestClient, manifest: Manifest
) -> None:
    # Over 1 MB: held by the worker in a temporary file, then streamed.
    query = "SELECT * WHERE { ?s ?p ?o VALUES ?copy { 1 2 3 4 5 6 7 8 } }"
    with (
        Counting(policy_client) as counting,
        policy_client.stream(
            "GET",
            "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"},
        ) as response,
    ):
        raw = b"".join(response.iter_raw())
        assert counting.calls == {"inline": 0, "worker": 1}
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers  # streamed
    assert response.headers["x-policykg-truncated"] == "false"
    assert response.headers["x-policykg-row-limit"] == "100000"
    rows = json.loads(gzip.decompress(raw))["results"]["bindings"]
    nquads = manifest.file("policykg.nq")
    assert nquads is not None
    assert len(rows) == 8 * (nquads.quads or 0)  # the default graph: every graph's triples


def test_the_fast_lane_still_answers_through_gzip_etag_and_head(
    policy_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    routed: list[object] = []
    original = sparql_router.run_query

    async def counted(*args: Any, **kwargs: Any) -> Any:
        routed.append(args)
        return await original(*args, **kwargs)

    monkeypatch.setattr(sparql_router, "run_query", counted)
    params = {
        "query": "SELECT ?claim WHERE { ?claim a <https://w3id.org/policykg/ontology#Claim> }"
    }
    headers = {"Accept": "text/csv", "Accept-Encoding": "gzip"}
    with Counting(policy_client) as counting:
        response = policy_client.get("/sparql", params=params, headers=headers)
        head = policy_client.head("/sparql", params=params, headers=headers)
        cached = policy_client.get(
            "/sparql", params=params, headers={**headers, "If-None-Match": response.headers["etag"]}
        )
        # The GET and the HEAD in the server process, the 304 before the engine.
        assert counting.calls == {"inline": 2, "worker": 0}
    assert routed == []  # the fast lane answered, not the router
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["x-policykg-truncated"] == "false"
    assert response.text.startswith("claim\r\nhttps://w3id.org/policykg/claim/")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == response.headers["content-length"]
    assert cached.status_code == 304


@pytest.mark.parametrize("path", ["/dumps/", "/.well-known/void", "/queries", "/context.jsonld"])
def test_cacheable_pages_say_so(policy_client: TestClient, path: str) -> None:
    response = policy_client.get(path)
    assert response.status_code == 200
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["cache-control"] in ("public, no-cache", "no-cache")
    again = policy_client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
