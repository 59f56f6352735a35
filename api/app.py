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
from policykg.progress import Steps
from policykg.settings import Settings

from .accesslog import AccessLog
from .errors import install_error_handlers
from .fastlane import FastLane
from .guard import Guard
from .httpcache import Compression, HttpCache
from .routers import (
    context,
    dumps,
    explore,
    health,
    home,
    network,
    queries,
    resources,
    search,
    sparql,
    store,
    ui,
    vocabulary,
    void,
)
from .service import open_service

__all__ = ["create_app"]


def _quiet(_: str) -> None:
    """No progress is shown (tests, embedding)."""


def create_app(
    settings: Settings | None = None, *, data: Sequence[Path] = (), progress: Steps | None = None
) -> FastAPI:
    """Build the app; the store and worker pool start in its lifespan, their steps told
    to ``progress`` (``policykg serve`` prints them on stderr)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_service(settings, data, progress or _quiet) as service:
            app.state.service = service
            if progress is not None:
                progress.done("ready")
            yield

    app = FastAPI(
        title="policykg",
        version=__version__,
        description="SPARQL 1.1 endpoint and named queries over the policy graph.",
        lifespan=lifespan,
        docs_url=None,  # served by the ui router from node_modules, never from a CDN
        redoc_url=None,  # ReDoc would load from a CDN
    )
    install_error_handlers(app)
    # Middleware added later wraps what was added before: the access log sees everything,
    # CORS headers go on every response, HEAD/ETag/304 see the compressed response (so a
    # HEAD has the GET's headers), gzip compresses fast-lane answers too, and bounded
    # GET /sparql lookups skip the router.
    app.add_middleware(FastLane)
    app.add_middleware(Compression)
    app.add_middleware(HttpCache)
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
    for module in (
        sparql,
        store,
        queries,
        health,
        context,
        network,
        search,
        dumps,
        void,
        resources,
        vocabulary,
        home,
        explore,
        ui,
    ):
        app.include_router(module.router)
    return app
