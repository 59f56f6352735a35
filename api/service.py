"""The running service: settings, engine, named queries; built in the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykg.engine.datasource import DataSource, jsonld_context, prepare
from policykg.engine.pool import Engine
from policykg.namespaces import all_prefixes
from policykg.progress import Progress
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary

from .pagecache import PageCache

__all__ = ["Service", "open_service"]


@dataclass
class Service:
    settings: Settings
    engine: Engine
    source: DataSource
    library: QueryLibrary
    context: dict[str, Any] | None
    #: Rendered resource pages and RDF (servers without updates), see :mod:`api.pagecache`.
    pages: PageCache | None = None

    @property
    def prefixes(self) -> dict[str, str]:
        """The graph's prefixes (those of ``/context.jsonld``), predeclared for every query."""
        return all_prefixes(self.settings.base_iri)

    @property
    def updatable(self) -> bool:
        """Updates need ``enable_update``, a token and a ``--data`` store."""
        return bool(
            self.settings.enable_update and self.settings.update_token and self.source.writable
        )


@asynccontextmanager
async def open_service(
    settings: Settings, data: Sequence[Path] = (), progress: Progress = lambda _: None
) -> AsyncIterator[Service]:
    """Prepare the store, start the worker pool, and stop everything on exit; each step
    is told to ``progress``."""
    source = await prepare(settings, data, progress)
    engine = Engine(
        source.store,
        workers=settings.workers,
        timeout=settings.query_timeout,
        memory_max_quads=None if settings.on_disk else settings.memory_max_quads,
        use_jemalloc=settings.jemalloc,
        inline_rows=settings.inline_rows,
        inline_max_quads=settings.inline_max_quads,
        max_waiting=settings.max_waiting,
    )
    try:
        where = "opens the on-disk store" if settings.on_disk else "copies the store into memory"
        progress(f"starting {settings.workers} query workers (each {where})")
        await engine.start()
        library = (
            QueryLibrary.load(settings.queries_dir)
            if settings.queries_dir.is_dir()
            else QueryLibrary({})
        )
        keep = settings.page_cache_bytes > 0 and not settings.enable_update
        pages = PageCache(max_bytes=settings.page_cache_bytes) if keep else None
        yield Service(settings, engine, source, library, jsonld_context(settings), pages)
    finally:
        await engine.close()
        source.cleanup()
