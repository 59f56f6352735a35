"""The FastAPI application: routers, one error handler, CORS, access log, lifespan.

>>> from policykg.settings import Settings
>>> create_app(Settings()).title
'policykg'
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from policykg import __version__
from policykg.settings import Settings

from .accesslog import AccessLog
from .errors import install_error_handlers
from .fastlane import FastLane
from .guard import Guard
from .routers import context, health, network, queries, sparql, store, ui
from .service import open_service

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, *, data: Sequence[Path] = ()) -> FastAPI:
    """Build the app; the store and worker pool start in its lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_service(settings, data) as service:
            app.state.service = service
            yield

    app = FastAPI(
        title="policykg",
        version=__version__,
        description="SPARQL 1.1 endpoint and named queries over the policy graph.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Middleware added later wraps what was added before: the access log sees everything,
    # CORS headers go on every response, and bounded GET /sparql lookups skip the router.
    app.add_middleware(FastLane)
    # Header size, URL encoding and per-client concurrency are checked before the lane.
    app.add_middleware(Guard, settings=settings)
    # Read-only use from any origin; no credentials, and no Authorization header, so a
    # browser cannot send an authenticated write from another site.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "POST", "HEAD"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["X-PolicyKG-Truncated", "X-PolicyKG-Row-Limit"],
    )
    app.add_middleware(AccessLog)
    # The query page at / answers 503 with instructions when node_modules is missing.
    for module in (sparql, store, queries, health, context, network, ui):
        app.include_router(module.router)
    return app
