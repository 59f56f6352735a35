"""``/openapi.json`` is a valid OpenAPI document, and schemathesis fuzzing it finds no 5xx.

The schema declares every parameter, body and response (see ``api/apidoc.py``), so the
fuzzer sends what a client could: valid requests (positive mode) and requests that break
the schema (negative mode), to every operation, with the update token so that writes run
too. Any 5xx fails, except 503 (time limit, busy, a worker stopped). The run is bounded
(``FUZZ_EXAMPLES`` per operation and mode) and derandomised, so CI sees the same requests
every time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from policykg.api.app import create_app
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi

from tests.api.apisupport import AUTH, PEOPLE, PROTOCOL, TOKEN
from tests.api.conftest import make_settings
from tests.serving import start, stop

#: Examples per operation and mode (46 operations, 2 modes).
FUZZ_EXAMPLES = int(os.environ.get("POLICYKG_FUZZ_EXAMPLES", "6"))
#: Examples per write operation and mode (each accepted write restarts the workers).
WRITE_EXAMPLES = int(os.environ.get("POLICYKG_FUZZ_WRITE_EXAMPLES", "3"))
_WRITES = ("PUT", "POST", "DELETE")
#: Text media types the schema declares for raw bodies (SPARQL text, RDF in any syntax).
_TEXT_BODIES = (
    "application/sparql-query",
    "application/sparql-update",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/ld+json",
    "application/rdf+xml",
)


@schemathesis.serializer(*_TEXT_BODIES)
def _text(ctx: Any, value: Any) -> bytes:
    """A generated body as UTF-8 text (bytes as they are)."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _configured(schema: Any) -> Any:
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=FUZZ_EXAMPLES,
        deterministic=True,
        no_shrink=True,
    )
    return schema


def _no_server_error(case: Any, response: Any) -> None:
    status = response.status_code
    assert status < 500 or status == 503, (
        f"{case.method} {case.formatted_path} {case.query} {case.headers} -> {status}: "
        f"{response.text[:500]}"
    )


@pytest.fixture(scope="module")
def updatable_app(hostile_root: Path) -> Any:
    settings = make_settings(
        hostile_root, enable_update=True, update_token=TOKEN, query_timeout=30, workers=1
    )
    return create_app(settings, data=[PEOPLE, PROTOCOL])


@pytest.fixture(scope="module")
def asgi_schema(updatable_app: Any) -> Iterator[Any]:
    """The schema of the in-process app (its lifespan kept running by schemathesis)."""
    yield _configured(schemathesis.openapi.from_asgi("/openapi.json", updatable_app))
    asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def served_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The schema of a real ``policykg serve --enable-update --store DIR`` on loopback."""
    folder = tmp_path_factory.mktemp("fuzz-served")
    args = ["--data", str(PEOPLE), "--data", str(PROTOCOL), "--enable-update",
            "--update-token", TOKEN, "--timeout", "30", "--workers", "1"]  # fmt: skip
    proc, url = start(args, folder / "server.log")
    try:
        yield _configured(schemathesis.openapi.from_url(url + "/openapi.json"))
    finally:
        stop(proc)


def test_openapi_json_is_a_valid_document_with_unique_operation_ids(reader: TestClient) -> None:
    schema = reader.get("/openapi.json").json()
    validate(schema)  # raises on any error
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    sparql = schema["paths"]["/sparql"]
    assert sorted(sparql) == ["get", "head", "post"]
    assert [p["name"] for p in sparql["get"]["parameters"]] == [
        "query", "default-graph-uri", "named-graph-uri", "format", "Accept",
    ]  # fmt: skip
    assert sorted(sparql["post"]["requestBody"]["content"]) == [
        "application/sparql-query", "application/sparql-update",
        "application/x-www-form-urlencoded",
    ]  # fmt: skip
    store = schema["paths"]["/store"]
    assert sorted(store) == ["delete", "get", "head", "post", "put"]
    assert [p["name"] for p in store["put"]["parameters"]] == ["graph", "default"]


def test_every_operation_declares_its_responses_and_what_it_reads(reader: TestClient) -> None:
    schema = reader.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (method, path)
            if method in ("put", "post"):
                assert operation["requestBody"]["content"], (method, path)
            taken = {p["name"] for p in operation.get("parameters", [])}
            for name in re.findall(r"\{(\w+)", path):
                assert name in taken, (method, path, name)


def _fuzz(schema: Any) -> list[str]:
    """Every operation, in both modes, for derandomised examples (fewer for writes, each of
    which restarts the workers); the operations and modes that ran."""
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        examples = WRITE_EXAMPLES if operation.method.upper() in _WRITES else FUZZ_EXAMPLES
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
            @given(case=strategy)
            def send(case: Any) -> None:
                _no_server_error(case, case.call(headers=AUTH, timeout=120))

            try:
                send()
            except Unsatisfiable:
                # nothing to break: every input of the operation takes any string
                assert mode is GenerationMode.NEGATIVE, operation.label
                continue
            ran.append(f"{operation.label} {mode.value}")
    return ran


def _every_operation_ran(schema: Any, ran: list[str]) -> None:
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert "PUT /store" in labels
    assert "GET /sparql" in labels
    assert {f"{label} positive" for label in labels} <= set(ran)
    for label in ("POST /sparql", "PUT /store", "GET /network", "GET /search", "GET /store"):
        assert f"{label} negative" in ran


def test_fuzz_in_process_app_gives_no_5xx(asgi_schema: Any) -> None:
    ran = _fuzz(asgi_schema)
    _every_operation_ran(asgi_schema, ran)


@pytest.mark.server
def test_fuzz_served_app_gives_no_5xx(served_schema: Any) -> None:
    ran = _fuzz(served_schema)
    _every_operation_ran(served_schema, ran)
