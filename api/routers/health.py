"""``/healthz``: is the server up, and on which data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import ServiceDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(service: ServiceDep) -> dict[str, Any]:
    """Liveness: the worker count and store, where the server process reads bounded
    lookups ("memory", "disk", "loading" or "off"), the data generation (bumped by each
    update), and how many queries were answered in the server process and by workers."""
    opened = service.engine.opened
    return {
        "status": "ok",
        "workers": service.engine.size,
        "store": opened.store if opened else None,
        "allocator": opened.allocator if opened else None,
        "inline": service.engine.inline_state,
        "generation": service.engine.generation,
        "answered": dict(service.engine.answered),
        "updates": service.updatable,
    }
