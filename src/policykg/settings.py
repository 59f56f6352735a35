"""Settings, read from options, ``POLICYKG_*`` environment variables or defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from policykg.data import data_root, default_dist
from policykg.engine.limits import INLINE_MAX_QUADS, ROW_BUDGET
from policykg.namespaces import DEFAULT_BASE

__all__ = ["RemoteSettings", "Settings"]


class RemoteSettings(BaseSettings):
    """The remote triplestore, one setting per name, from ``POLICYKG_REMOTE_*`` (command
    options override them): ``serve --store URL`` serves from it, ``publish`` and
    ``rollback`` write to it (see ``policykg.remote``).

    >>> RemoteSettings(url="sparql+http://127.0.0.1:7878/query").timeout
    30.0
    """

    model_config = SettingsConfigDict(env_prefix="POLICYKG_REMOTE_", extra="ignore")

    #: The store's query URL, ``sparql+http://host:port/path`` (or http, https).
    url: str | None = None
    #: SPARQL Update URL, when not the server's usual one (``policykg.remote.adapters``).
    update_url: str | None = None
    #: Graph Store Protocol URL, when not the server's usual one.
    graph_store_url: str | None = None
    #: ``oxigraph``, ``virtuoso`` or ``generic`` (default: guessed from the query URL).
    kind: Literal["oxigraph", "virtuoso", "generic"] | None = None
    #: Credentials (HTTP digest for Virtuoso, basic otherwise); the password is read only
    #: from the environment, never from an option other users could see.
    username: str | None = None
    password: SecretStr | None = None
    #: Seconds each request of ``publish`` and ``rollback`` may take (``serve`` bounds a
    #: query by ``POLICYKG_QUERY_TIMEOUT``, as on the embedded store).
    timeout: float = 30.0
    #: Seconds between an API process's checks of the store's published version (``serve``
    #: serves a new version within this bound); ``publish`` waits as long between
    #: describing a version and loading it where readers leave its copies out by name.
    recheck: float = 5.0


class Settings(BaseSettings):
    """Where the data lives, how the server listens, and the limits it enforces.

    >>> Settings(port=9000).port
    9000
    >>> Settings().host
    '127.0.0.1'
    """

    model_config = SettingsConfigDict(env_prefix="POLICYKG_", extra="ignore")

    #: The folder holding ``ontology/``, ``graph/``, ``queries/`` (see :mod:`policykg.data`).
    root: Path = Field(default_factory=data_root)
    base_iri: str = DEFAULT_BASE
    dist: Path = Field(default_factory=default_dist)
    #: ``policykg build`` runs pyshacl over the whole graph instead of only over the focus
    #: nodes Oxigraph finds may violate (:mod:`policykg.graph.triage`); same results, slower.
    full_validation: bool = False

    host: str = "127.0.0.1"
    port: int = 8000

    query_timeout: float = 30.0
    max_rows: int = 100_000
    max_query_chars: int = 100_000
    max_body_bytes: int = 1_048_576
    workers: int = 2
    #: Workers reserved for short queries (the server's own stored queries and bounded
    #: lookups), on top of ``workers``: slow client queries never hold them.
    short_workers: int = 1
    #: Workers copy a store of at most this many quads into memory (several times faster
    #: queries; each worker holds its own copy, about 440 bytes per quad, so 4.4 GB at the
    #: limit); a larger store, or ``on_disk``, is queried on disk, read-only.
    memory_max_quads: int = 10_000_000
    on_disk: bool = False
    #: A bounded query (one triple pattern, see ``policykg.engine.inline``) is answered in the
    #: server process, reading at most this many rows before handing the query to a
    #: worker; 0 sends every query to the workers.
    inline_rows: int = ROW_BUDGET
    #: The server process reads those queries from its own in-memory copy of a store of at
    #: most this many quads (and at most ``memory_max_quads``), else from the on-disk store.
    inline_max_quads: int = INLINE_MAX_QUADS
    #: Preload jemalloc (Debian's libjemalloc2) into query workers when it is installed:
    #: pyoxigraph evaluates queries about twice as fast with it as with glibc's malloc.
    jemalloc: bool = True

    #: With ``--data``: the default graph is the union of all graphs (as for the policy
    #: graph, and ``oxigraph serve --union-default-graph``), not the files' default graph.
    union_default_graph: bool = False

    #: Requests one client address may have in progress at once (more: 429).
    max_per_client: int = 8
    #: Request line and headers together may be at most this many bytes (more: 431).
    max_header_bytes: int = 16_384
    #: Seconds a connection may take to send a request's head (line and headers).
    header_timeout: float = 10.0
    #: Seconds an idle keep-alive connection is kept open.
    keep_alive: float = 5.0
    #: Queries that may wait for a free worker at once (more: 503 with Retry-After).
    max_waiting: int = 64
    #: Bytes of rendered resource pages and their RDF kept per server (only without
    #: ``enable_update``; see ``api/pagecache.py``); 0 keeps none.
    page_cache_bytes: int = 32 * 1024 * 1024

    enable_update: bool = False
    update_token: SecretStr | None = None
    service_allowlist: list[str] = Field(default_factory=list)

    #: A remote triplestore (``POLICYKG_REMOTE_*``): served from instead of the embedded
    #: store when its ``url`` is set, and the target of ``publish`` and ``rollback``.
    remote: RemoteSettings = Field(default_factory=lambda: RemoteSettings())

    @property
    def store_path(self) -> Path:
        """The on-disk Oxigraph store written by ``policykg build``."""
        return self.dist / "store"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"
