"""Where a remote store listens: its query, update and graph-store URLs and credentials.

A store is named by one URL, ``sparql+http://host:port/path`` (or ``sparql+https://``, or
plain ``http(s)://``), the path being its query endpoint; the server's adapter fills in the
update and graph-store URLs unless they are given.

>>> e = Endpoint.from_url("sparql+http://127.0.0.1:7878/query")
>>> e.kind, e.query_url, e.update_url, e.graph_store_url
('oxigraph', 'http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> e = Endpoint.from_url("sparql+http://127.0.0.1:8890/sparql", username="dba", password="pw")
>>> e.update_url, e.graph_store_url
('http://127.0.0.1:8890/sparql-auth', 'http://127.0.0.1:8890/sparql-graph-crud-auth')
>>> e
Endpoint(query_url='http://127.0.0.1:8890/sparql', update_url='http://127.0.0.1:8890/sparql-auth', graph_store_url='http://127.0.0.1:8890/sparql-graph-crud-auth', kind='virtuoso', username='dba', timeout=30.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args
from urllib.parse import urlsplit

from policykg.errors import ParameterError
from policykg.remote.adapters import Adapter, Kind, adapter_for
from policykg.settings import RemoteSettings

__all__ = ["Endpoint"]

_SCHEMES = {"sparql+http": "http", "sparql+https": "https", "http": "http", "https": "https"}


def _http_url(url: str, name: str) -> str:
    """``url`` with a ``sparql+`` scheme made plain; a 400 naming ``name`` when it is no URL."""
    parts = urlsplit(url)
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise ParameterError(
            f"parameter '{name}': expected sparql+http://host:port/path (or http/https), "
            f"got {url[:100]!r}"
        )
    return parts._replace(scheme=scheme).geturl()


@dataclass(frozen=True)
class Endpoint:
    """A remote store's URLs, server kind, credentials and request time limit (seconds)."""

    query_url: str
    update_url: str
    graph_store_url: str | None
    kind: Kind
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @property
    def adapter(self) -> Adapter:
        return adapter_for(self.kind, self.query_url)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        kind: str | None = None,
        timeout: float = 30.0,
    ) -> Endpoint:
        """The endpoint named by ``url``, the other URLs given or the adapter's usual ones."""
        query_url = _http_url(url, "url")
        if kind is not None and kind not in get_args(Kind):
            raise ParameterError(
                f"parameter 'kind': expected one of {', '.join(get_args(Kind))}, got {kind[:100]!r}"
            )
        if timeout <= 0:
            raise ParameterError("parameter 'timeout': expected a number of seconds above 0")
        adapter = adapter_for(kind, query_url)  # type: ignore[arg-type]
        urls = adapter.urls(query_url, credentials=username is not None)
        return cls(
            query_url=urls.query,
            update_url=_http_url(update_url, "update_url") if update_url else urls.update,
            graph_store_url=(
                _http_url(graph_store_url, "graph_store_url")
                if graph_store_url
                else urls.graph_store
            ),
            kind=adapter.kind,
            username=username,
            password=password,
            timeout=timeout,
        )

    @classmethod
    def from_settings(cls, settings: RemoteSettings, url: str | None = None) -> Endpoint:
        """The endpoint of ``url`` (an option) or ``POLICYKG_REMOTE_URL``, with the rest."""
        target = url or settings.url
        if target is None:
            raise ParameterError(
                "parameter 'url': no store given (--to URL or POLICYKG_REMOTE_URL)"
            )
        return cls.from_url(
            target,
            update_url=settings.update_url,
            graph_store_url=settings.graph_store_url,
            username=settings.username,
            password=settings.password.get_secret_value() if settings.password else None,
            kind=settings.kind,
            timeout=settings.timeout,
        )
