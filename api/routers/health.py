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
    update)."""
    return {
        "status": "ok",
        "workers": service.engine.size,
        "store": service.engine.opened.get("store"),
        "allocator": service.engine.opened.get("allocator"),
        "inline": service.engine.inline_state,
        "generation": service.engine.generation,
        "updates": service.updatable,
    }
