"""405 Method Not Allowed: the exact body, and an ``Allow`` header naming every method the
path takes (GET, HEAD and POST on ``/sparql`` are separate routes; HEAD goes with GET)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

_ORDER = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/sparql", "GET, HEAD, POST"),
        ("PUT", "/sparql", "GET, HEAD, POST"),
        ("PUT", "/id/linkedin", "GET, HEAD"),
        ("PATCH", "/store", "GET, HEAD, POST, PUT, DELETE"),
        ("POST", "/healthz", "GET, HEAD"),
        ("DELETE", "/queries/ages", "GET, HEAD"),
    ],
)
def test_a_refused_method_is_405_with_every_allowed_method(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {
        "error": "Method not allowed",
        "message": f"{method} is not allowed on {path}",
        "status": 405,
    }


def test_allow_lists_what_openapi_declares_for_every_path(client: TestClient) -> None:
    """For every path of /openapi.json (path parameters filled in), a method it does not
    declare gets 405 and ``Allow`` names exactly the declared methods (and HEAD with GET)."""
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/sparql", "/store", "/healthz"} <= set(paths)
    for template, operations in paths.items():
        declared = {m.upper() for m in operations if m.upper() in _ORDER}
        if "GET" in declared:
            declared.add("HEAD")
        refused = next(m for m in ("PATCH", "DELETE", "PUT") if m not in declared)
        path = re.sub(r"\{[^}]+\}", "x", template)
        response = client.request(refused, path)
        assert response.status_code == 405, (refused, path, response.text)
        assert response.headers["allow"] == ", ".join(m for m in _ORDER if m in declared), path
        assert response.json()["message"] == f"{refused} is not allowed on {path}"
