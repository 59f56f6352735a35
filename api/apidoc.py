"""OpenAPI declarations the routers share: parameters, bodies and responses.

The SPARQL protocol, Graph Store and filter routes read the request themselves (the
protocol fixes how, and FastAPI's own parsing would change their answers), so their
parameters are *declared* here for ``/openapi.json`` (``openapi_extra``) and read by the
route's own code. Each GET route also answers HEAD; :func:`get_and_head` registers the two
as separate operations, so every operation id is unique.

>>> query_param("k", "How many.", {"type": "integer"})["in"]
'query'
>>> sorted(error_responses(400, 406))
[400, 406]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter

from policykg.formats import GRAPHS, SOLUTIONS

__all__ = [
    "ACCEPT",
    "ERROR_SCHEMA",
    "FORMAT",
    "TEXT",
    "content",
    "error_responses",
    "free_params",
    "get_and_head",
    "header_param",
    "query_param",
    "results_content",
]

F = TypeVar("F", bound=Callable[..., Any])
Schema = dict[str, Any]

#: Every error body: ``{"error": title, "message": text, "status": code}``.
ERROR_SCHEMA: Schema = {
    "type": "object",
    "required": ["error", "message", "status"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "status": {"type": "integer"},
    },
}
TEXT: Schema = {"type": "string"}

_TITLES = {
    400: "Bad request: a parameter or the body is invalid (the message names it).",
    401: "No or wrong bearer token for a write.",
    403: "Forbidden: updates are off, or the text asks for something remote.",
    404: "Not found.",
    406: "None of the Accept media types (or format=) can be produced.",
    408: "The request head did not arrive in time.",
    413: "The body or query text is over the limit.",
    415: "The Content-Type is not one this route reads.",
    429: "Too many concurrent requests from this client (Retry-After).",
    431: "The request head is over the size cap.",
    503: "Time limit reached, server busy or a worker stopped (Retry-After).",
}


def query_param(
    name: str, description: str, schema: Schema | None = None, *, required: bool = False
) -> dict[str, Any]:
    """A URL query parameter (a string unless ``schema`` says otherwise)."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or TEXT,
    }


def header_param(name: str, description: str) -> dict[str, Any]:
    """A request header that changes the answer."""
    return {"name": name, "in": "header", "required": False, "description": description,
            "schema": TEXT}  # fmt: skip


def free_params(name: str, description: str) -> dict[str, Any]:
    """Any number of ``name=value`` query parameters (a named query's own parameters)."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "style": "form",
        "explode": True,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
    }


#: ``Accept``: picks the media type of the answer (``format=`` wins over it).
ACCEPT = header_param("Accept", "The media types the client reads, in order of preference.")
#: ``format=``: a format name or media type that overrides ``Accept``.
FORMAT = query_param(
    "format",
    "A format name (json, xml, csv, tsv, turtle, ntriples, nquads, trig, jsonld, rdfxml) "
    "or media type; overrides Accept.",
)


def content(media_types: Sequence[str], schema: Schema | None = None) -> dict[str, Any]:
    """An OpenAPI ``content`` map: each media type with ``schema`` (a string by default)."""
    return {media: {"schema": schema or TEXT} for media in media_types}


def results_content() -> dict[str, Any]:
    """Every media type a SPARQL query's answer can have (solutions, then graphs)."""
    return content([f.media_type for f in (*SOLUTIONS.formats, *GRAPHS.formats)])


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The JSON error responses for ``statuses``."""
    return {
        status: {
            "description": _TITLES[status],
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        for status in statuses
    }


def get_and_head(router: APIRouter, path: str, **options: Any) -> Callable[[F], F]:
    """Register a function for GET and for HEAD on ``path``: two operations, two ids."""

    def register(function: F) -> F:
        router.get(path, **options)(function)
        router.head(path, **options)(function)
        return function

    return register
