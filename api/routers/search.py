"""``GET /search``: full-text search (:mod:`policykg.search`) as JSON, an HTML page, CSV or VALUES.

``format=`` (or ``Accept``) picks the answer: ``json`` (the default), ``html`` (results grouped
by kind, each linking to the local path of its IRI, quotes with their source and paragraph),
``csv`` (one row per hit), or ``values``: a SPARQL ``VALUES ?hit { … }`` block of the hits'
IRIs, to paste into a query that joins them with the rest of the graph (SPARQL cannot call
the index itself). The search runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import csv
import io
from html import escape
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from policykg.errors import NotAvailable, ParameterError
from policykg.formats import parse_accept
from policykg.search.searcher import KINDS, Hit, Results, search

from ..apidoc import ACCEPT, content, error_responses, query_param
from ..deps import ServiceDep
from ..service import REMOTE_SEARCH

__all__ = ["router"]

#: Why a server over a remote store answers 501: the index is built beside the embedded store.

router = APIRouter(tags=["search"])

_FORMATS = ("json", "html", "csv", "values")
_PARAMS = ("q", "lang", "type", "include_corrected", "limit", "offset", "format")
_TITLES = {"claim": "Claims", "entity": "Entities and terms", "source": "Sources"}


def _format(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in _FORMATS:
            raise ParameterError(f"format: expected one of {', '.join(_FORMATS)}, got {fmt!r}")
        return fmt
    ranges = dict(parse_accept(request.headers.get("accept", "")))
    return "html" if ranges.get("text/html", 0.0) > ranges.get("application/json", 0.0) else "json"


def _integer(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 6:
        raise ParameterError(f"{name}: expected a whole number, got {raw!r}")
    return int(raw)


def _boolean(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false")
    if raw not in ("true", "false"):
        raise ParameterError(f"{name}: expected true or false, got {raw!r}")
    return raw == "true"


@router.get(
    "/search",
    response_model=None,
    responses={
        200: {
            "description": "The hits.",
            "content": content(["application/json", "text/html", "text/csv", "text/plain"]),
        },
        **error_responses(400),
    },
    openapi_extra={
        "parameters": [
            query_param("q", "The words to search for (required except for the HTML form)."),
            query_param("lang", "Only texts in this language (en, nl, de, fr…)."),
            query_param("type", "Only hits of this kind.", {"type": "string", "enum": list(KINDS)}),
            query_param(
                "include_corrected",
                "Corrected claims too.",
                {"type": "string", "enum": ["true", "false"]},
            ),
            query_param(
                "limit",
                "How many hits (default 20).",
                {"type": "integer", "minimum": 0, "maximum": 999999},
            ),
            query_param(
                "offset", "Hits to skip.", {"type": "integer", "minimum": 0, "maximum": 999999}
            ),
            query_param(
                "format", "The answer's format.", {"type": "string", "enum": list(_FORMATS)}
            ),
            ACCEPT,
        ]
    },
)
async def search_endpoint(request: Request, service: ServiceDep) -> Response:
    """Search claims' quotes and notes, speakers, labels and titles (``q``, ``lang``, ``type``,
    ``include_corrected``, ``limit``, ``offset``, ``format``)."""
    unknown = sorted(set(request.query_params) - set(_PARAMS))
    if unknown:
        raise ParameterError(f"{unknown[0]}: unknown parameter; use {', '.join(_PARAMS)}")
    fmt = _format(request)
    q = request.query_params.get("q")
    if q is None:
        if fmt == "html":
            return HTMLResponse(
                _page("", None, service.settings.base_iri), headers={"Vary": "Accept"}
            )
        raise ParameterError("q: missing: give the words to search for, e.g. q=InMail")
    if service.source.store is None:
        raise NotAvailable(REMOTE_SEARCH)
    results = await asyncio.to_thread(
        search, service.source.store, q, lang=request.query_params.get("lang") or None,
        kind=request.query_params.get("type") or None,
        include_corrected=_boolean(request, "include_corrected"),
        limit=_integer(request, "limit", 20), offset=_integer(request, "offset", 0),
    )  # fmt: skip
    headers = {"Vary": "Accept"}
    if fmt == "html":
        return HTMLResponse(_page(q, results, service.settings.base_iri), headers=headers)
    if fmt == "csv":
        return PlainTextResponse(_csv(results), media_type="text/csv", headers=headers)
    if fmt == "values":
        iris = "\n".join(f"  <{h.iri}>" for h in results.hits)
        return PlainTextResponse(f"VALUES ?hit {{\n{iris}\n}}\n", headers=headers)
    body: dict[str, Any] = {"query": results.query, "count": results.count}
    return JSONResponse({**body, "hits": [h.to_json() for h in results.hits]}, headers=headers)


def _csv(results: Results) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["iri", "kind", "score", "source", "paragraphs", "lang", "text"])
    for h in results.hits:
        paragraphs = " ".join(map(str, h.paragraphs))
        writer.writerow(
            [h.iri, h.kind, round(h.score, 4), h.source or "", paragraphs, h.lang, h.text]
        )
    return out.getvalue()


def _local(iri: str, base: str) -> str:
    """The path of an IRI under the base on this server; other IRIs as they are."""
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def _marked(hit: Hit) -> str:
    out, at = [], 0
    for start, end in hit.spans:
        out += [escape(hit.text[at:start]), f"<mark>{escape(hit.text[start:end])}</mark>"]
        at = end
    return "".join([*out, escape(hit.text[at:])])


def _item(hit: Hit, base: str) -> str:
    role = "" if hit.role in ("quote", "label", "title") else f"<small>{escape(hit.role)}</small> "
    where = ""
    if hit.source:
        title = escape(hit.source_title or hit.source)
        paragraphs = ", ".join(map(str, hit.paragraphs))
        where = (
            f'<br><small>from <a href="{escape(_local(hit.source, base))}">{title}</a>'
            + (f", ¶{paragraphs}" if paragraphs else "")
            + (" — corrected" if hit.corrected else "")
            + "</small>"
        )
    return (
        f'<li><a class=hit href="{escape(_local(hit.iri, base))}">{escape(hit.iri)}</a><br>'
        f'{role}<q lang="{escape(hit.lang)}">{_marked(hit)}</q>{where}</li>'
    )


def _page(q: str, results: Results | None, base: str) -> str:
    form = (
        '<form action="/search" method=get role=search><input type=search name=q '
        f'value="{escape(q)}" aria-label="Search" placeholder="InMail, gebruikers, Nutzer, Verdier">'
        "<button>Search</button></form>"
    )
    sections = []
    if results is not None:
        sections.append(f"<p>{results.count} hit(s) for <b>{escape(results.query)}</b></p>")
        for kind in KINDS:
            hits = [h for h in results.hits if h.kind == kind]
            if hits:
                items = "".join(_item(h, base) for h in hits)
                sections.append(
                    f"<section id={kind}><h2>{_TITLES[kind]}</h2><ol>{items}</ol></section>"
                )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>policykg search</title>"
        '<link rel=icon href="/static/ui/favicon.svg" type="image/svg+xml">'
        f"<h1>Search the policy graph</h1>{form}{''.join(sections)}</html>"
    )
