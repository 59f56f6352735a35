"""``/queries``: the named queries, listed (JSON or HTML) and run with typed parameters."""

from __future__ import annotations

import asyncio
from html import escape
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from policykg.formats import parse_accept
from policykg.sparql.queries import NamedQuery

from ..apidoc import ACCEPT, FORMAT, content, error_responses, free_params, results_content
from ..deps import LibraryDep, ServiceDep
from ..queriespage import results_page
from ..results import run_query

__all__ = ["router"]

router = APIRouter(tags=["queries"])


def _describe(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "question": query.question,
        "tags": list(query.tags),
        "params": [
            {"name": p.name, "type": p.type, "default": p.default, "doc": p.doc}
            for p in query.params
        ],
        "url": f"/queries/{query.name}",
        "sparql": query.sparql,
    }


def _wants_html(request: Request) -> bool:
    ranges = dict(parse_accept(request.headers.get("accept", "")))
    return ranges.get("text/html", 0.0) > ranges.get("application/json", 0.0)


def _html(queries: list[dict[str, Any]]) -> str:
    rows = "".join(
        f'<tr><td><a href="{escape(q["url"])}">{escape(q["name"])}</a></td>'
        f"<td>{escape(q['title'])}</td><td>{escape(q['question'])}</td>"
        f"<td>{escape(', '.join(p['name'] + ': ' + p['type'] for p in q['params']))}</td></tr>"
        for q in queries
    )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>policykg named queries</title>"
        "<h1>Named queries</h1><table><thead><tr><th>Name</th><th>Title</th><th>Question</th>"
        f"<th>Parameters</th></tr></thead><tbody>{rows}</tbody></table></html>"
    )


@router.get(
    "/queries",
    response_model=None,
    responses={
        200: {
            "description": "The named queries.",
            "content": content(["application/json", "text/html"]),
        }
    },
    openapi_extra={"parameters": [ACCEPT]},
)
async def list_queries(request: Request, library: LibraryDep) -> Response:
    """Every named query with its title, question and parameters."""
    queries = [_describe(q) for q in library]
    if _wants_html(request):
        return HTMLResponse(_html(queries), headers={"Vary": "Accept"})
    return JSONResponse({"queries": queries}, headers={"Vary": "Accept"})


@router.get(
    "/queries/{name}",
    response_class=Response,
    responses={
        200: {
            "description": "The results (or an HTML page for a browser).",
            "content": {**results_content(), **content(["text/html"])},
        },
        **error_responses(400, 404, 406, 429, 503),
    },
    openapi_extra={
        "parameters": [
            FORMAT,
            free_params("params", "The query's own typed parameters (listed at /queries)."),
            ACCEPT,
        ]
    },
)
async def run_named(
    name: str, request: Request, service: ServiceDep, library: LibraryDep
) -> Response:
    """Run a named query; URL parameters other than ``format`` are its typed parameters.

    A browser (``Accept`` preferring ``text/html``, no ``format=``) gets the results as an
    HTML table under a form for the parameters.
    """
    query = library.get(name)
    values = {k: v for k, v in request.query_params.items() if k != "format"}
    if "format" not in request.query_params and _wants_html(request):
        return await results_page(service, request, query, values)
    # off the event loop: a search parameter searches the index
    substitutions = await asyncio.to_thread(query.bind, values, search=service.search_hook())
    return await run_query(
        service,
        request,
        query.sparql,
        substitutions=substitutions,
        format_param=request.query_params.get("format"),
    )
