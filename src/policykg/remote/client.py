"""A SPARQL 1.1 Protocol and Graph Store Protocol client for one remote store, on httpx.

Queries and updates are sent as form posts (the protocol's ``query=`` / ``update=``), graphs
by ``?graph=IRI``. The server's errors become the project's: a bad query or update is a
:class:`~policykg.errors.BadRequest` with the server's message, a missing graph
:class:`~policykg.errors.NotFound`, a store that cannot be reached
:class:`~policykg.remote.errors.StoreUnavailable`, a request past its time limit
:class:`~policykg.errors.QueryTimeout` (the connection is closed, which cancels it), and
anything else the store gets wrong :class:`~policykg.remote.errors.StoreError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import httpx
from pyoxigraph import (
    Literal,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse_query_results,
)

from policykg.errors import BadRequest, NotFound, PolicyKGError, QueryTimeout
from policykg.remote.endpoint import Endpoint
from policykg.remote.errors import StoreError, StoreUnavailable

__all__ = ["AsyncRemoteStore", "RemoteStore", "Response", "Row"]

#: How much of a server's error message is kept.
MESSAGE_CHARS = 1000
#: Virtuoso's header and state for a result cut short by its time limit (an "anytime"
#: result: 200 with the rows found so far).
PARTIAL_RESULTS_HEADER = "X-SQL-State"
PARTIAL_RESULTS = "S1TAT"
#: Seconds a store given its own time limit may take beyond it to answer that it stopped.
STORE_GRACE = 2.0

Row = dict[str, object]


@dataclass(frozen=True)
class Response:
    """A successful answer: its status, media type (without parameters) and body."""

    status: int
    content_type: str
    body: bytes


def _media_type(response: httpx.Response) -> str:
    header: str = response.headers.get("content-type", "")
    return header.split(";")[0].strip().lower()


def _message(response: httpx.Response) -> str:
    text = response.content.decode("utf-8", errors="replace").strip()
    return text[:MESSAGE_CHARS] or response.reason_phrase


def _auth(endpoint: Endpoint) -> httpx.Auth | None:
    if endpoint.username is None:
        return None
    password = endpoint.password or ""
    if endpoint.adapter.auth_scheme == "digest":
        return httpx.DigestAuth(endpoint.username, password)
    return httpx.BasicAuth(endpoint.username, password)


@dataclass(frozen=True)
class _Request:
    """One request to the store, as both clients send it."""

    method: str
    url: str
    what: str
    limit: float
    params: Mapping[str, str] | None
    body: bytes | None
    headers: dict[str, str]


def _request(
    endpoint: Endpoint,
    method: str,
    url: str,
    *,
    what: str,
    params: Mapping[str, str] | None = None,
    data: list[tuple[str, str]] | None = None,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> _Request:
    limit = endpoint.timeout if timeout is None else timeout
    body: bytes | None = content
    sent_headers = dict(headers or {})
    if data is not None:
        body = urlencode(data).encode("ascii")
        sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
    return _Request(method, url, what, limit, params, body, sent_headers)


def _query_form(
    endpoint: Endpoint,
    text: str,
    timeout: float | None,
    default_graphs: Iterable[str],
    named_graphs: Iterable[str],
) -> tuple[list[tuple[str, str]], float]:
    """A query's form fields (the text, the dataset, and the store's own time limit where
    it takes one) and how long to wait for the answer: a store given the limit is waited
    for ``STORE_GRACE`` seconds more, to say itself that it stopped (the API's own
    deadline is exact: :mod:`policykg.backend_remote`)."""
    form: list[tuple[str, str]] = [("query", text)]
    form += [("default-graph-uri", iri) for iri in default_graphs]
    form += [("named-graph-uri", iri) for iri in named_graphs]
    limit = endpoint.timeout if timeout is None else timeout
    parameter = endpoint.adapter.timeout_parameter
    if parameter is None:
        return form, limit
    form.append((parameter, str(max(1, int(limit * 1000)))))
    return form, limit + STORE_GRACE


def _transport_error(request: _Request, error: httpx.HTTPError) -> PolicyKGError:
    url, what = request.url, request.what
    if isinstance(error, httpx.TimeoutException):
        return QueryTimeout(
            f"the store at {url} did not answer the {what} within {request.limit:g} s"
        )
    if isinstance(error, httpx.ConnectError):
        return StoreUnavailable(f"cannot reach the store at {url}: {error}")
    return StoreError(f"the connection to the store at {url} failed: {error}")


def _answer(request: _Request, response: httpx.Response) -> Response:
    if response.headers.get(PARTIAL_RESULTS_HEADER, "").upper() == PARTIAL_RESULTS:
        raise QueryTimeout(
            f"the store at {request.url} stopped the {request.what} at its time limit "
            f"({PARTIAL_RESULTS_HEADER}: {PARTIAL_RESULTS})"
        )
    if response.is_success:
        return Response(response.status_code, _media_type(response), response.content)
    raise _error(response, request.url, request.what)


class RemoteStore:
    """A client of one store; use as a context manager (or call :meth:`close`)."""

    def __init__(self, endpoint: Endpoint, *, transport: httpx.BaseTransport | None = None):
        self.endpoint = endpoint
        self._client = httpx.Client(
            auth=_auth(endpoint),
            timeout=endpoint.timeout,
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- the SPARQL 1.1 Protocol ----------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        accept: str = "application/sparql-results+json",
        timeout: float | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> Response:
        """Run a query; the dataset, when given, is sent as ``default-graph-uri`` and
        ``named-graph-uri`` (which override the store's own default graph)."""
        form, wait = _query_form(self.endpoint, text, timeout, default_graphs, named_graphs)
        return self._send(
            "POST",
            self.endpoint.query_url,
            data=form,
            headers={"Accept": accept},
            timeout=wait,
            what="query",
        )

    def select(
        self,
        text: str,
        *,
        timeout: float | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> list[Row]:
        """Run a SELECT and read its rows (variable → pyoxigraph term), in a format the
        server writes to the standard (see the adapters)."""
        accept = self.endpoint.adapter.select_accept
        response = self.query(
            text,
            accept=accept,
            timeout=timeout,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        fmt = QueryResultsFormat.from_media_type(accept)
        assert fmt is not None
        solutions = parse_query_results(response.body, format=fmt)
        if not isinstance(solutions, QuerySolutions):
            raise StoreError("the store answered a SELECT with a boolean")
        names = [v.value for v in solutions.variables]
        return [
            {name: solution[name] for name in names if solution[name] is not None}
            for solution in solutions
        ]

    def ask(self, text: str, *, timeout: float | None = None) -> bool:
        """Run an ASK and read its answer (from a result set where the server sends one)."""
        accept = self.endpoint.adapter.select_accept
        response = self.query(text, accept=accept, timeout=timeout)
        fmt = QueryResultsFormat.from_media_type(accept)
        assert fmt is not None
        results = parse_query_results(response.body, format=fmt)
        if isinstance(results, QueryBoolean):
            return bool(results)
        if isinstance(results, QuerySolutions) and self.endpoint.adapter.ask_is_result_set:
            rows = [solution[0] for solution in results]
            if not rows:  # false is an empty result set
                return False
            if len(rows) == 1 and isinstance(rows[0], Literal) and rows[0].value in ("0", "1"):
                return rows[0].value == "1"
        raise StoreError("the store did not answer an ASK with true or false")

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update request."""
        self._send(
            "POST",
            self.endpoint.update_url,
            data=[("update", text)],
            timeout=timeout,
            what="update",
        )

    # -- the Graph Store Protocol ---------------------------------------------------------

    def _graph_store(self) -> str:
        return _graph_store(self.endpoint)

    def get_graph(self, iri: str, fmt: RdfFormat = RdfFormat.N_TRIPLES) -> bytes:
        """A named graph's triples; NotFound when the store has no such graph."""
        response = self._send(
            "GET",
            self._graph_store(),
            params={"graph": iri},
            headers={"Accept": fmt.media_type},
            what="graph",
        )
        return response.body

    def put_graph(self, iri: str, data: bytes, fmt: RdfFormat = RdfFormat.N_TRIPLES) -> None:
        """Replace a named graph's triples with ``data``."""
        self._write("PUT", iri, data, fmt)

    def post_graph(self, iri: str, data: bytes, fmt: RdfFormat = RdfFormat.N_TRIPLES) -> None:
        """Add ``data``'s triples to a named graph."""
        self._write("POST", iri, data, fmt)

    def delete_graph(self, iri: str) -> None:
        """Remove a named graph; NotFound when the store has no such graph."""
        self._send("DELETE", self._graph_store(), params={"graph": iri}, what="graph")

    def _write(self, method: str, iri: str, data: bytes, fmt: RdfFormat) -> None:
        self._send(
            method,
            self._graph_store(),
            params={"graph": iri},
            content=data,
            headers={"Content-Type": fmt.media_type},
            what="graph",
        )

    # -- one request, its errors mapped ---------------------------------------------------

    def _send(self, method: str, url: str, *, what: str, **options: Any) -> Response:
        request = _request(self.endpoint, method, url, what=what, **options)
        try:
            response = self._client.request(
                request.method,
                request.url,
                params=request.params,
                content=request.body,
                headers=request.headers,
                timeout=request.limit,
            )
        except httpx.HTTPError as error:
            raise _transport_error(request, error) from error
        return _answer(request, response)


class AsyncRemoteStore:
    """The requests the API's remote backend sends, on asyncio: a request is abandoned
    (its connection closed) as soon as the task awaiting it is cancelled, so the API's
    time limit ends it at once, whatever the store is doing. Close with :meth:`aclose`."""

    def __init__(self, endpoint: Endpoint, *, transport: httpx.AsyncBaseTransport | None = None):
        self.endpoint = endpoint
        self._client = httpx.AsyncClient(
            auth=_auth(endpoint),
            timeout=endpoint.timeout,
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def query(
        self,
        text: str,
        *,
        accept: str = "application/sparql-results+json",
        timeout: float | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> Response:
        """As :meth:`RemoteStore.query`."""
        form, wait = _query_form(self.endpoint, text, timeout, default_graphs, named_graphs)
        return await self._send(
            "POST",
            self.endpoint.query_url,
            data=form,
            headers={"Accept": accept},
            timeout=wait,
            what="query",
        )

    async def update(self, text: str, *, timeout: float | None = None) -> None:
        """As :meth:`RemoteStore.update`."""
        await self._send(
            "POST",
            self.endpoint.update_url,
            data=[("update", text)],
            timeout=timeout,
            what="update",
        )

    async def put_graph(self, iri: str, data: bytes, fmt: RdfFormat = RdfFormat.N_TRIPLES) -> None:
        await self._write("PUT", iri, data, fmt)

    async def post_graph(self, iri: str, data: bytes, fmt: RdfFormat = RdfFormat.N_TRIPLES) -> None:
        await self._write("POST", iri, data, fmt)

    async def delete_graph(self, iri: str) -> None:
        await self._send("DELETE", _graph_store(self.endpoint), params={"graph": iri}, what="graph")

    async def _write(self, method: str, iri: str, data: bytes, fmt: RdfFormat) -> None:
        await self._send(
            method,
            _graph_store(self.endpoint),
            params={"graph": iri},
            content=data,
            headers={"Content-Type": fmt.media_type},
            what="graph",
        )

    async def _send(self, method: str, url: str, *, what: str, **options: Any) -> Response:
        request = _request(self.endpoint, method, url, what=what, **options)
        try:
            response = await self._client.request(
                request.method,
                request.url,
                params=request.params,
                content=request.body,
                headers=request.headers,
                timeout=request.limit,
            )
        except httpx.HTTPError as error:
            raise _transport_error(request, error) from error
        return _answer(request, response)


def _graph_store(endpoint: Endpoint) -> str:
    if endpoint.graph_store_url is None:
        raise StoreError(
            "this store has no Graph Store Protocol URL (give --graph-store-url "
            "or POLICYKG_REMOTE_GRAPH_STORE_URL)"
        )
    return endpoint.graph_store_url


def _error(response: httpx.Response, url: str, what: str) -> PolicyKGError:
    status, message = response.status_code, _message(response)
    if status == 400:
        return BadRequest(message)
    if status == 404 and what == "graph":
        return NotFound(message)
    if status in (401, 403):
        return StoreError(f"the store at {url} refused the credentials ({status}): {message}")
    if status == 503:
        return StoreUnavailable(f"the store at {url} is unavailable (503): {message}")
    return StoreError(f"the store at {url} answered {status}: {message}")
