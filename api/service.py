"""The running service: settings, engine, named queries; built in the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal

from policykg.backend import Backend, BackendKind, RemoteSource, Source
from policykg.engine.datasource import jsonld_context, prepare
from policykg.engine.pool import Engine
from policykg.errors import BadRequest, NotAvailable
from policykg.namespaces import all_prefixes
from policykg.progress import Progress
from policykg.search.binding import SearchHook, hook
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary

from .pagecache import PageCache

__all__ = ["REMOTE_SEARCH", "Service", "open_service"]

#: Why a server over a remote store cannot search (``/search`` and the named queries).
REMOTE_SEARCH = (
    "full-text search reads the index 'policykg build' writes beside the embedded store; "
    "this server answers from a remote store, which has none: use the named query "
    "quote-search"
)


@dataclass
class Service:
    settings: Settings
    #: The store interface: the embedded worker pool or a remote store.
    engine: Backend
    source: Source
    library: QueryLibrary
    context: dict[str, Any] | None
    kind: BackendKind = "embedded"
    #: Rendered resource pages and RDF (embedded stores without updates), see
    #: :mod:`api.pagecache`.
    pages: PageCache | None = None

    @property
    def location(self) -> str:
        """The store's path, or the remote store's query URL (a key for caches)."""
        if isinstance(self.source, RemoteSource):
            return self.source.location
        return str(self.source.store)

    async def probe(self) -> None:
        """Before ``/healthz``: a remote store is asked whether it answers (the embedded
        pool reports its workers without being asked)."""
        if self.kind == "remote":
            from policykg.backend_remote import RemoteBackend

            if isinstance(self.engine, RemoteBackend):
                await self.engine.probe()

    def search_hook(self) -> SearchHook:
        """The named queries' full-text search: the index beside the embedded store; a
        remote store has none, so a search there is a 501."""
        found = hook(self.source.store)
        if found is not None:
            return found

        def unavailable(name: str, text: str, options: Mapping[str, str]) -> Literal:
            raise NotAvailable(REMOTE_SEARCH)

        return unavailable

    @property
    def prefixes(self) -> dict[str, str]:
        """The graph's prefixes (those of ``/context.jsonld``), predeclared for every query."""
        return all_prefixes(self.settings.base_iri)

    @property
    def updatable(self) -> bool:
        """Updates need ``enable_update``, a token and a ``--data`` store (or a remote
        store, whose writes the server forwards)."""
        return bool(
            self.settings.enable_update and self.settings.update_token and self.source.writable
        )


@asynccontextmanager
async def open_service(
    settings: Settings, data: Sequence[Path] = (), progress: Progress = lambda _: None
) -> AsyncIterator[Service]:
    """Prepare the store, start the worker pool, and stop everything on exit; each step
    is told to ``progress``. With ``settings.remote.url`` the service answers from that
    remote store instead (``data`` is then refused)."""
    if settings.remote.url is not None:
        async with _open_remote(settings, data, progress) as service:
            yield service
        return
    source = await prepare(settings, data, progress)
    engine: Backend = Engine(
        source.store,
        workers=settings.workers,
        timeout=settings.query_timeout,
        memory_max_quads=None if settings.on_disk else settings.memory_max_quads,
        use_jemalloc=settings.jemalloc,
        inline_rows=settings.inline_rows,
        inline_max_quads=settings.inline_max_quads,
        max_waiting=settings.max_waiting,
        short_workers=settings.short_workers,
    )
    try:
        where = "opens the on-disk store" if settings.on_disk else "copies the store into memory"
        total = settings.workers + settings.short_workers  # general and reserved
        progress(f"starting {total} query workers (each {where})")
        await engine.start()
        keep = settings.page_cache_bytes > 0 and not settings.enable_update
        pages = PageCache(max_bytes=settings.page_cache_bytes) if keep else None
        library = _library(settings)
        yield Service(settings, engine, source, library, jsonld_context(settings), pages=pages)
    finally:
        await engine.close()
        source.cleanup()


def _library(settings: Settings) -> QueryLibrary:
    if settings.queries_dir.is_dir():
        return QueryLibrary.load(settings.queries_dir)
    return QueryLibrary({})


@asynccontextmanager
async def _open_remote(
    settings: Settings, data: Sequence[Path], progress: Progress
) -> AsyncIterator[Service]:
    from policykg.backend_remote import RemoteBackend, endpoint_for

    if data:
        raise BadRequest(
            "--data loads files into the embedded store; with a remote store (--store URL) "
            "load them into that store instead"
        )
    endpoint = endpoint_for(settings)
    engine: Backend = RemoteBackend(
        endpoint,
        timeout=settings.query_timeout,
        base_iri=settings.base_iri,
        recheck=settings.remote.recheck,
    )
    progress(f"checking the remote store at {endpoint.query_url}")
    await engine.start()
    try:
        source = RemoteSource(endpoint.query_url, union=True, writable=settings.enable_update)
        yield Service(
            settings, engine, source, _library(settings), jsonld_context(settings), "remote"
        )
    finally:
        await engine.close()
