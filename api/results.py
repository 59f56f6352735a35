"""Run a query through the engine and stream its results as an HTTP response.

Headers: ``X-PolicyKG-Row-Limit`` always states the row cap. ``X-PolicyKG-Truncated``
is ``true`` or ``false`` when the whole result was produced before the response began
(results under 1 MB, sent in one piece with a ``Content-Length``); a larger result
streams as it is produced, and then only a row count equal to the limit shows that rows
may have been cut.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from pyoxigraph import Literal, NamedNode, Variable

from policykg.errors import NotAcceptable
from policykg.formats import GRAPHS, SOLUTIONS, FormatList, content_type, negotiate
from policykg.sparqlsafety import enforce, scan_query_async

from .service import Service

__all__ = ["endpoint_iri", "run_query"]


def endpoint_iri(request: Request) -> str:
    """The URL of the resource without its query string (the base IRI of texts sent to it)."""
    return str(request.url.replace(query=None, fragment=None))


def _choose(
    request: Request, formats: FormatList, format_param: str | None
) -> tuple[str | None, NotAcceptable | None]:
    try:
        return negotiate(request.headers.get("accept"), formats, format_param).name, None
    except NotAcceptable as exc:
        return None, exc


async def run_query(
    service: Service,
    request: Request,
    text: str,
    *,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    substitutions: Mapping[Variable, NamedNode | Literal] | None = None,
    format_param: str | None = None,
) -> Response:
    """Check, run and answer one query: in one piece if small, else streamed."""
    settings = service.settings
    base = endpoint_iri(request)
    scan = await scan_query_async(text, base)
    enforce(scan, settings.service_allowlist)
    solutions, solutions_error = _choose(request, SOLUTIONS, format_param)
    graph, graph_error = _choose(request, GRAPHS, format_param)
    protocol_dataset = default_graphs is not None or named_graphs is not None
    job = {
        "op": "query",
        "query": text,
        "base_iri": base,
        "union": service.source.union,
        "default_graph": default_graphs,
        "named_graphs": named_graphs,
        "substitutions": dict(substitutions or {}),
        "solutions_format": solutions,
        "graph_format": graph,
        "max_rows": settings.max_rows,
        "context": service.context if graph == "jsonld" else None,
        "check_graphs": [] if protocol_dataset else list(scan.dataset),
        "allowlist": list(settings.service_allowlist),
    }
    errors = {
        k: e for k, e in (("SELECT/ASK", solutions_error), ("CONSTRUCT/DESCRIBE", graph_error)) if e
    }
    result = await service.engine.query(job, errors)
    formats = GRAPHS if result.kind == "graph" else SOLUTIONS
    fmt = formats.by_name(result.format)
    assert fmt is not None
    headers = {"X-PolicyKG-Row-Limit": str(settings.max_rows), "Vary": "Accept"}
    if result.truncated is not None:
        headers["X-PolicyKG-Truncated"] = "true" if result.truncated else "false"
    if result.whole is not None:
        return Response(result.whole, media_type=content_type(fmt), headers=headers)
    return StreamingResponse(result.body, media_type=content_type(fmt), headers=headers)
