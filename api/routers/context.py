"""``/context.jsonld``: the project's JSON-LD context, the prefixes its IRIs are written with.

The context is ``ontology/context.jsonld``, read once when the service starts (inline
terms only; a remote context is never fetched). The query page gives its prefixes to
the result table, so IRIs show as ``id:…``, ``claim:…`` and ``xsd:date``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from policykg.errors import NotFound

from ..apidoc import error_responses
from ..deps import ServiceDep

__all__ = ["MEDIA_TYPE", "router"]

#: The JSON-LD media type (RFC 6839 / JSON-LD 1.1).
MEDIA_TYPE = "application/ld+json"

router = APIRouter(tags=["context"])


@router.get(
    "/context.jsonld",
    response_class=JSONResponse,
    responses={
        200: {"content": {MEDIA_TYPE: {}}, "description": "The JSON-LD context."},
        **error_responses(404),
    },
)
async def context(service: ServiceDep) -> JSONResponse:
    """The JSON-LD context (``{"@context": {prefix: namespace, …}}``); 404 without one."""
    if service.context is None:
        raise NotFound("this project has no JSON-LD context (ontology/context.jsonld)")
    return JSONResponse(
        {"@context": service.context},
        media_type=MEDIA_TYPE,
        headers={"Cache-Control": "no-cache"},
    )
