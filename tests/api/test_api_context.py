"""``GET /context.jsonld``: the project's JSON-LD context, as JSON-LD; 404 without one."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from policykg.api.app import create_app

from .apisupport import PEOPLE
from .conftest import make_settings

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_context_is_served_as_json_ld(client: TestClient) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.json() == {
        "@context": {
            "ex": "http://example.org/",
            "name": "http://example.org/name",
            "age": {"@id": "http://example.org/age", "@type": XSD + "integer"},
        }
    }


def test_context_is_readable_from_any_origin(client: TestClient) -> None:
    response = client.get("/context.jsonld", headers={"Origin": "https://example.net"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_no_context_is_a_json_404(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path), data=[PEOPLE])) as http:
        response = http.get("/context.jsonld")
    assert response.status_code == 404
    assert response.json() == {
        "error": "Not found",
        "message": "this project has no JSON-LD context (ontology/context.jsonld)",
        "status": 404,
    }
