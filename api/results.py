"""Run a query through the engine and stream its results as an HTTP response.

Headers: ``X-PolicyKG-Row-Limit`` states the row cap and ``X-PolicyKG-Truncated``
(``true`` or ``false``) whether rows were cut. The flag is exact because a worker holds
the result until it is complete or past the cap: a result under 1 MB is sent in one
piece with a ``Content-Length``, a larger one is streamed from the worker's temporary
file, so neither process holds it whole in memory. A SELECT whose own LIMIT is within
the cap cannot be cut, so a large result of one is streamed as it is produced.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping, Sequence

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from pyoxigraph import Literal, NamedNode, Variable
from starlette.datastructures import URL
from starlette.types import Scope, Send

from policykg.engine.inline import is_bounded
from policykg.engine.jobs import QueryJob
from policykg.engine.pool import QueryResult
from policykg.errors import BadRequest, NotAcceptable, PolicyKGError
from policykg.formats import GRAPHS, SOLUTIONS, FormatList, content_type, negotiate
from policykg.sparql.results import ResultSpec
from policykg.sparql.safety import enforce, scan_query_async
from policykg.sparql.syntax import update_keyword

from .service import Service

__all__ = [
    "endpoint_iri",
    "negotiated",
    "query_job",
    "result_response",
    "run_query",
]


def endpoint_iri(request: Request | Scope) -> str:
    """The URL of the resource without its query string (the base IRI of texts sent to it)."""
    scope = request.scope if isinstance(request, Request) else request
    host = next((value for key, value in scope["headers"] if key == b"host"), None)
    server = scope.get("server")
    return _endpoint(
        scope.get("scheme", "http"), tuple(server) if server else None, scope["path"], host
    )


@functools.lru_cache(maxsize=256)
def _endpoint(scheme: str, server: tuple[str, int] | None, path: str, host: bytes | None) -> str:
    """Starlette's reading of the request URL, kept for the few URLs an endpoint has."""
    headers = [(b"host", host)] if host is not None else []
    url = URL(scope={"scheme": scheme, "server": server, "path": path, "headers": headers})
    return str(url.replace(query=None, fragment=None))


def negotiated(
    accept: str | None, formats: FormatList, format_param: str | None
) -> tuple[str | None, NotAcceptable | None]:
    """The chosen format's name, or the error to raise if the result turns out to need it."""
    try:
        return negotiate(accept, formats, format_param).name, None
    except NotAcceptable as exc:
        return None, exc


def query_job(
    service: Service,
    text: str,
    base: str,
    *,
    solutions: str | None,
    graph: str | None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: Mapping[Variable, NamedNode | Literal] | None = None,
    check_graphs: Sequence[str] = (),
    short: bool = True,
) -> QueryJob:
    """The engine job for a query with the chosen result formats (names, or None); the one
    place that decides the predeclared prefixes (the graph's, :attr:`Service.prefixes`).
    ``short``: see :attr:`QueryJob.short`; true for the server's own queries, which is what
    most callers build (:func:`run_query` decides it for a client's text)."""
    settings = service.settings
    context = service.context if graph == "jsonld" else None
    return QueryJob(
        text,
        ResultSpec(solutions, graph, settings.max_rows, context),
        base_iri=base,
        union=service.source.union,
        default_graph=None if default_graphs is None else tuple(default_graphs),
        named_graphs=None if named_graphs is None else tuple(named_graphs),
        substitutions=dict(substitutions or {}),
        check_graphs=tuple(check_graphs),
        allowlist=tuple(settings.service_allowlist),
        prefixes=service.prefixes,
        short=short,
    )


log = logging.getLogger("policykg.api")


class ResultStream(StreamingResponse):
    """A result streamed as a worker produces it.

    An error once the first bytes are sent (the time limit, a worker that stopped) can no
    longer change the status. The response then ends without its last chunk, so the server
    closes the connection and the client sees an incomplete body (never a complete-looking
    short one), and one warning is logged instead of a traceback."""

    async def stream_response(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        sent = 0
        try:
            async for chunk in self.body_iterator:
                assert isinstance(chunk, bytes)
                sent += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except PolicyKGError as exc:
            log.warning("result cut after %d bytes, the connection closed: %s", sent, exc)
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def result_response(service: Service, result: QueryResult) -> Response:
    """The response for a query result: whole, or streamed; headers state the row cap."""
    head = result.head
    fmt = (GRAPHS if head.kind == "graph" else SOLUTIONS).get(head.format)
    headers = {
        "X-PolicyKG-Row-Limit": str(service.settings.max_rows),
        "X-PolicyKG-Truncated": "true" if head.truncated else "false",
        "Vary": "Accept",
    }
    if result.whole is not None:
        return Response(result.whole, media_type=content_type(fmt), headers=headers)
    return ResultStream(result.body, media_type=content_type(fmt), headers=headers)


async def run_query(
    service: Service,
    request: Request,
    text: str,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: Mapping[Variable, NamedNode | Literal] | None = None,
    format_param: str | None = None,
    client_text: bool = False,
) -> Response:
    """Check, run and answer one query: in one piece if small, else streamed.
    ``client_text``: the text is a client's own (``/sparql``), so it is a short query only
    if it is a bounded lookup; otherwise it is the server's own (named queries, exports)."""
    if (keyword := update_keyword(text)) is not None:
        raise BadRequest(_update_advice(service, keyword))
    base = endpoint_iri(request)
    accept = request.headers.get("accept")
    solutions, solutions_error = negotiated(accept, SOLUTIONS, format_param)
    graph, graph_error = negotiated(accept, GRAPHS, format_param)
    protocol_dataset = default_graphs is not None or named_graphs is not None
    job = query_job(
        service,
        text,
        base,
        solutions=solutions,
        graph=graph,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        substitutions=substitutions,
        short=not client_text or is_bounded(text),
    )
    scan = await scan_query_async(job.query, job.base_iri, job.prefixes)
    enforce(scan, service.settings.service_allowlist)
    if not protocol_dataset and scan.dataset:
        job = dataclasses.replace(job, check_graphs=scan.dataset)
    errors = {
        k: e for k, e in (("SELECT/ASK", solutions_error), ("CONSTRUCT/DESCRIBE", graph_error)) if e
    }
    return result_response(service, await service.engine.query(job, errors))


def _update_advice(service: Service, keyword: str) -> str:
    """What to do with a SPARQL Update sent as a query."""
    if not service.updatable:
        return (
            "this endpoint is read-only; start the server with --enable-update "
            "(and --data FILE) and send updates to /update"
        )
    return f"this is a SPARQL Update ({keyword}); send it to /update, not as a query"
