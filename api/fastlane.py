"""ASGI middleware: bounded ``GET /sparql`` queries answered without the router.

A one-pattern lookup (see :mod:`policykg.engine.inline`) takes a few tens of microseconds to
evaluate; routing, dependency injection and request parsing would cost several times
that. This layer sits inside CORS and the access log and answers ``GET /sparql`` itself
when the request carries only ``query`` (and perhaps ``format``), the query is bounded,
a solutions format is acceptable and the inline store is open. It hands the job to
:meth:`Engine.query <policykg.engine.pool.Engine.query>`, the one place that decides
where a query runs (in this process, or on a worker when the lookup is over its row
budget), and answers with the router's response (same job, engine, headers and error
body; a test checks that). Any other request goes on to the application unchanged.

The safety scan runs as on the router (:func:`~policykg.sparql.safety.scan_query_async`:
off the event loop unless the text is short and needs no parse). What a request is for
is cached, but only for query strings and headers short enough (``MAX_KEY_BYTES``), so
the cache holds at most about ``cache_size`` times ``MAX_KEY_BYTES`` bytes of keys.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from policykg.engine.inline import is_bounded
from policykg.engine.jobs import QueryJob
from policykg.errors import PolicyKGError
from policykg.formats import SOLUTIONS
from policykg.sparql.safety import enforce, scan_query_async

from .errors import error_response
from .results import endpoint_iri, negotiated, query_job, result_response
from .service import Service

__all__ = ["MAX_KEY_BYTES", "FastLane"]

_PARAMS = frozenset({"query", "format"})
#: Requests whose query string and headers (together) are longer are never cached.
MAX_KEY_BYTES = 4096


class FastLane:
    """Answers bounded ``GET /sparql`` queries in the server process; passes on the rest.

    What a request asks for (its job, or that it is not for this lane) depends only on
    its query string and a few headers, so it is kept for the last ``cache_size``
    distinct requests; the rows are read from the store every time.
    """

    def __init__(self, app: ASGIApp, *, cache_size: int = 1024) -> None:
        self.app, self.cache_size = app, cache_size
        #: request key -> (the service it was read for, its job or None if not for the lane)
        self._jobs: OrderedDict[tuple[Any, ...], tuple[Service, QueryJob | None]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/sparql":
            response = await self._answer(scope)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope) -> Response | None:
        service: Service | None = getattr(scope["app"].state, "service", None)
        if service is None or service.engine.inline is None:
            return None
        job = await self._job(service, scope)
        if job is None:
            return None
        try:
            return result_response(service, await service.engine.query(job))
        except PolicyKGError as exc:
            return error_response(exc.status, exc.title, exc.message, exc.headers or None)

    async def _job(self, service: Service, scope: Scope) -> QueryJob | None:
        accept = host = None
        for name, value in scope["headers"]:  # the first of each, as Starlette reads them
            if name == b"accept" and accept is None:
                accept = value
            elif name == b"host" and host is None:
                host = value
        server = scope.get("server")
        key = (scope["query_string"], accept, host, scope.get("scheme"),
               tuple(server) if server else None)  # fmt: skip
        hit = self._jobs.get(key)
        if hit is not None and hit[0] is service:
            self._jobs.move_to_end(key)
            return hit[1]
        job = await _read(service, scope, accept.decode("latin-1") if accept is not None else None)
        size = len(scope["query_string"]) + len(accept or b"") + len(host or b"")
        if size > MAX_KEY_BYTES:
            return job
        self._jobs[key] = (service, job)
        if len(self._jobs) > self.cache_size:
            self._jobs.popitem(last=False)
        return job


async def _read(service: Service, scope: Scope, accept: str | None) -> QueryJob | None:
    """The job for a lane request, or None if it carries anything but query and format."""
    params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    names = [name for name, _ in params]
    if "query" not in names or len(set(names)) != len(names) or not _PARAMS.issuperset(names):
        return None
    given = dict(params)
    text = given["query"]
    if len(text) > service.settings.max_query_chars or not is_bounded(text):
        return None
    solutions, _ = negotiated(accept, SOLUTIONS, given.get("format"))
    if solutions is None:
        return None
    job = query_job(service, text, endpoint_iri(scope), solutions=solutions, graph=None)
    try:
        scan = await scan_query_async(job.query, job.base_iri, job.prefixes)
        enforce(scan, service.settings.service_allowlist)
    except PolicyKGError:
        return None
    return job
