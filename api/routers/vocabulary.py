"""The ontology and the shapes as documents: ``/ontology`` and ``/shapes`` list every term
(one anchor each, the fragments of their IRIs); ``/ontology/{term}`` and ``/shapes/{term}``
are one term; ``.ttl``, ``.jsonld``… or ``Accept`` give the RDF, as for any resource."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from policykg.linkeddata.conneg import RESOURCE
from policykg.linkeddata.iris import Iris, split_extension
from policykg.linkeddata.vocabulary import Document, Vocabulary

from ..apidoc import get_and_head
from ..deps import ServiceDep
from ..jinja import render
from ..representations import DOC, ERRORS, PAGE, alternates, headers, not_found, pick, serialize_as
from ..service import Service

__all__ = ["router"]

router = APIRouter(tags=["linked data"])


@functools.lru_cache(maxsize=8)
def _vocabulary(folder: Path, base: str) -> Vocabulary:
    return Vocabulary.load(folder, Iris(base))


@functools.lru_cache(maxsize=256)
def _page(document: Document, term: str | None, path: str) -> str:
    """The page of a vocabulary document or of one term; the same every time, so kept."""
    return render(
        "vocabulary.html",
        document=document,
        terms=[document.term(term)] if term is not None else document.terms,
        single=term is not None,
        path=path,
        alternates=alternates(path, RESOURCE),
    )


def _load(service: Service) -> Vocabulary:
    return _vocabulary(service.settings.root / "ontology", service.settings.base_iri)


async def _document(
    request: Request, service: Service, which: str, name: str, *, term: bool
) -> Response:
    """``which`` ("ontology" or "shapes") whole, or its term ``name`` (with an extension)."""
    stem, extension = split_extension(name)
    vocabulary = await asyncio.to_thread(_load, service)
    document: Document = getattr(vocabulary, which)
    path = f"/{which}" + (f"/{stem}" if term else "")
    fmt = pick(request, extension, graph=False)
    if not term and stem != which:
        return not_found(fmt, document.iri, "/" + name)
    if term and document.term(stem) is None:
        return not_found(fmt, f"{document.iri}#{stem}", path)
    answer = headers(path, fmt, RESOURCE)
    if fmt.name == "html":
        text = await asyncio.to_thread(_page, document, stem if term else None, path)
        return HTMLResponse(text, headers={**answer, **PAGE})
    triples = document.triples_of(stem) if term else document.triples
    body = await asyncio.to_thread(serialize_as, triples, fmt, service)
    return Response(body, media_type=fmt.content_type, headers=answer)


@get_and_head(router, "/ontology", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def ontology(request: Request, service: ServiceDep) -> Response:
    """The ontology: every class and property of ``ontology/policykg.ttl``, one anchor each."""
    return await _document(request, service, "ontology", "ontology", term=False)


@get_and_head(router, "/ontology.{ext}", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def ontology_file(ext: str, request: Request, service: ServiceDep) -> Response:
    """The ontology in the format of the extension (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``)."""
    return await _document(request, service, "ontology", f"ontology.{ext}", term=False)


@get_and_head(router, "/ontology/{term}", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def ontology_term(term: str, request: Request, service: ServiceDep) -> Response:
    """One term of the ontology (``/ontology/Claim`` for ``pkg:Claim``)."""
    return await _document(request, service, "ontology", term, term=True)


@get_and_head(router, "/shapes", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def shapes(request: Request, service: ServiceDep) -> Response:
    """The SHACL shapes the build validates against (``ontology/shapes.ttl``), one anchor each."""
    return await _document(request, service, "shapes", "shapes", term=False)


@get_and_head(router, "/shapes.{ext}", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def shapes_file(ext: str, request: Request, service: ServiceDep) -> Response:
    """The shapes in the format of the extension (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``)."""
    return await _document(request, service, "shapes", f"shapes.{ext}", term=False)


@get_and_head(router, "/shapes/{term}", response_model=None, responses=ERRORS, openapi_extra=DOC)
async def shape(term: str, request: Request, service: ServiceDep) -> Response:
    """One shape (``/shapes/ClaimShape``)."""
    return await _document(request, service, "shapes", term, term=True)
