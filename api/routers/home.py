"""``/home``: the sources, the main entities by kind, and the entry points, as a page."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pyoxigraph import Triple

from policykg.linkeddata import describe as queries
from policykg.linkeddata.home import home_sections
from policykg.linkeddata.iris import Iris
from policykg.linkeddata.page import pick_language

from ..apidoc import get_and_head
from ..deps import ServiceDep
from ..jinja import render
from ..representations import DOC, ERRORS, NO_CACHE, PAGE
from .resources import construct

__all__ = ["router"]

router = APIRouter(tags=["linked data"])


@get_and_head(router, "/home", response_class=HTMLResponse, responses=ERRORS, openapi_extra=DOC)
async def home(request: Request, service: ServiceDep) -> Response:
    """The home page: the sources, the main entities by kind, and the entry points."""
    triples, _ = await construct(service, request, queries.HOME, None)
    language = pick_language(request.headers.get("accept-language"))
    iris = Iris(service.settings.base_iri)
    text = await asyncio.to_thread(_page, triples, iris, language)
    return HTMLResponse(text, headers={**NO_CACHE, "Vary": "Accept-Language", **PAGE})


def _page(triples: list[Triple], iris: Iris, language: str) -> str:
    sources, sections = home_sections(triples, iris, language)
    return render("home.html", sources=sources, sections=sections)
