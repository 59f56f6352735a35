"""The store interface the HTTP API talks to, and what it knows of where the data lives.

Two implementations: :class:`policykg.engine.pool.Engine` (the embedded pyoxigraph store
and its worker pool, the default) satisfies :class:`Backend` structurally, and
:class:`policykg.backend_remote.RemoteBackend` sends the same jobs to a triplestore over the
SPARQL 1.1 protocols. Routers reach the store only through ``Service.engine`` (a
``Backend``) and read ``Service.source`` (a :class:`Source`) for the rest; mypy checks that
both implementations fit (``api/service.py`` assigns each to a ``Backend``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from policykg.engine.inline import InlineStore
from policykg.engine.jobs import GraphWriteJob, Opened, QueryJob, Stats, UpdateJob
from policykg.engine.pool import QueryResult
from policykg.errors import NotAcceptable

__all__ = ["Backend", "BackendKind", "RemoteSource", "Source"]

#: What answers the API's queries.
BackendKind = Literal["embedded", "remote"]


class Backend(Protocol):
    """What the API asks of a store: run queries and writes, count, and report its state."""

    @property
    def size(self) -> int:
        """Query workers (the embedded store) or 1 (a remote store: one connection pool)."""

    @property
    def generation(self) -> int:
        """Bumped by each write made through this backend (caches are kept per generation)."""

    @property
    def opened(self) -> Opened | None:
        """What the last worker opened (None for a remote store)."""

    @property
    def inline(self) -> InlineStore | None:
        """The server process's own copy for bounded lookups (None: none, or remote)."""

    @property
    def inline_state(self) -> str:
        """Where bounded lookups are read: "memory", "disk", "loading" or "off"."""

    @property
    def answered(self) -> Counter[str]:
        """Queries answered, by where they ran."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def serving(self) -> int:
        """How many readers can answer now (0: degraded)."""

    def reading(self) -> list[str]:
        """What each live reader queries ("memory", "disk"; none for a remote store)."""

    @property
    def copying(self) -> bool:
        """Whether readers are being moved onto memory copies in the background."""

    @property
    def published_version(self) -> str | None:
        """The build version a remote store serves as current (``policykg publish``: the
        build's digest, as ``policykg build`` names its store); None for the embedded store
        (its build is the store's folder) and over a store nothing was published to."""

    async def query(
        self, job: QueryJob, not_acceptable: dict[str, NotAcceptable] | None = None
    ) -> QueryResult:
        """Run a query job; raise its error, or return its head and body."""

    async def graph_exists(self, graph: str | None) -> bool:
        """Whether the named graph exists (the default graph always does)."""

    async def stats(self) -> Stats:
        """Dataset counts (for the service description)."""

    async def write(self, job: UpdateJob | GraphWriteJob) -> object:
        """Run an update or Graph Store write; a Graph Store write returns whether the
        graph existed before."""


class Source(Protocol):
    """Where the data lives, as the API needs to know it.

    ``store`` is the on-disk store (its search index and build are next to it), None for a
    remote store; ``union``: the default graph is the union of the named graphs;
    ``writable``: updates may change it.
    """

    @property
    def store(self) -> Path | None: ...

    @property
    def union(self) -> bool: ...

    @property
    def writable(self) -> bool: ...


@dataclass(frozen=True)
class RemoteSource:
    """A remote store: no local files; ``location`` is its query URL."""

    location: str
    union: bool = True
    writable: bool = False
    store: None = None
