"""The HTML page of a named query: a form for its parameters and its results as a table.

Empty form fields mean "the default"; a bad value is shown on the page (status 400), not
run. At most ``HTML_ROWS`` rows are drawn; the page links to the whole result in every
format.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from policykg.errors import ParameterError
from policykg.formats import GRAPHS, SOLUTIONS
from policykg.sparql.queries import NamedQuery

from .jinja import render
from .results import endpoint_iri, query_job
from .resulttable import table
from .service import Service

__all__ = ["HTML_ROWS", "results_page"]

#: The most rows an HTML results page draws.
HTML_ROWS = 1000

_INPUT = {"xsd:date": "date", "xsd:integer": "number"}


def _form(query: NamedQuery, values: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "type": p.type,
            "doc": p.doc,
            "value": values.get(p.name, p.default or ""),
            "input": _INPUT.get(p.type, "text"),
            "required": p.default is None,
        }
        for p in query.params
    ]


def _downloads(query: NamedQuery, values: dict[str, str], graph: bool) -> list[tuple[str, str]]:
    formats = GRAPHS if graph else SOLUTIONS
    return [
        (f.name, f"/queries/{query.name}?" + urlencode({**values, "format": f.name}))
        for f in formats.formats
    ]


async def results_page(
    service: Service, request: Request, query: NamedQuery, raw: dict[str, str]
) -> Response:
    """Run ``query`` with the non-empty ``raw`` values and draw the page."""
    values = {k: v for k, v in raw.items() if v != ""}
    page: dict[str, Any] = {
        "query": query,
        "params": _form(query, values),
        "error": None,
        "result": None,
        "truncated": False,
        "downloads": [],
    }
    headers = {"Vary": "Accept"}
    missing = [p.name for p in query.params if p.default is None and p.name not in values]
    if missing and not set(values) - {p.name for p in query.params}:
        return HTMLResponse(render("queries_result.html", **page), headers=headers)
    try:
        search = service.search_hook()
        substitutions = await asyncio.to_thread(query.bind, values, search=search)
    except ParameterError as err:
        page["error"] = err.message
        return HTMLResponse(render("queries_result.html", **page), 400, headers=headers)
    job = query_job(
        service,
        query.sparql,
        endpoint_iri(request),
        solutions="json",
        graph="ntriples",
        substitutions=substitutions,
    )
    result = await service.engine.query(job)
    body = result.whole
    if body is None:
        body = b"".join([chunk async for chunk in result.body])
    base = service.settings.base_iri
    page["result"] = await asyncio.to_thread(table, result.head.kind, body, base, HTML_ROWS)
    page["truncated"] = result.head.truncated
    page["downloads"] = _downloads(query, values, result.head.kind == "graph")
    return HTMLResponse(render("queries_result.html", **page), headers=headers)
