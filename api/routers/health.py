"""``/healthz``: is the server up, and on which data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..apidoc import content
from ..deps import ServiceDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=None,
    responses={
        200: {
            "description": "Workers are serving.",
            "content": content(["application/json"], {"type": "object"}),
        },
        503: {
            "description": "No worker is serving (status: degraded).",
            "content": content(["application/json"], {"type": "object"}),
        },
    },
)
async def healthz(service: ServiceDep) -> JSONResponse:
    """Liveness: the worker count and how many are serving (dead ones are replaced; with
    none serving the status is "degraded" and the answer 503), the store, where the
    server process reads bounded lookups ("memory", "disk", "loading" or "off"), what each
    worker reads ("readers": "memory" or "disk"; workers start on disk and are replaced
    by memory copies in the background while "copying" is true), the data
    generation (bumped by each update), and how many queries were answered in the server
    process and by workers; ``backend`` says "embedded" or "remote" (then ``location`` is
    the remote store's query URL, and ``serving`` 1 when it answered ``ASK {}`` now)."""
    await service.probe()
    engine = service.engine
    serving = engine.serving()
    opened = engine.opened
    body: dict[str, Any] = {
        "status": "ok" if serving else "degraded",
        "workers": service.engine.size,
        "serving": serving,
        "store": opened.store if opened else None,
        "allocator": opened.allocator if opened else None,
        "inline": service.engine.inline_state,
        "readers": engine.reading(),
        "copying": engine.copying,
        "generation": service.engine.generation,
        "answered": dict(service.engine.answered),
        "updates": service.updatable,
        "backend": service.kind,
        "location": service.location if service.kind == "remote" else None,
    }
    return JSONResponse(body, status_code=200 if serving else 503)
