"""Constants and helpers shared by the API tests."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

__all__ = ["AUTH", "DATA", "PEOPLE", "PROTOCOL", "TOKEN", "ask", "select"]

DATA = Path(__file__).parent / "data"
PEOPLE = DATA / "people.ttl"
PROTOCOL = DATA / "protocol.trig"
TOKEN = "s3cret-token"
AUTH = {"Authorization": "Bearer " + TOKEN}


def ask(client: TestClient, query: str, **params: str | list[str]) -> bool:
    """Run an ASK by direct POST and return its boolean."""
    response = client.post(
        "/sparql",
        content=query,
        params=params,
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    assert response.status_code == 200, response.text
    value = response.json()["boolean"]
    assert isinstance(value, bool)
    return value


def select(client: TestClient, query: str, **params: str | list[str]) -> list[dict[str, str]]:
    """Run a SELECT by GET and return its rows as {variable: value}."""
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]
