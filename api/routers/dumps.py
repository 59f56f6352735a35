"""``/dumps/``: the whole graph for download, as ``policykg build`` wrote it.

``GET /dumps/`` lists the files (HTML for browsers, JSON otherwise, or ``format=html|json``):
name, format, media type, size, triple/quad counts, SHA-256 and link. ``GET /dumps/{name}``
sends one file with a strong ``ETag`` (its SHA-256), ``Last-Modified``, ``Range`` and
``HEAD``. Only files named in the build's manifest are ever served, so a name cannot reach
anything else. Files are not compressed on the fly: each has a ``.gz`` copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.types import Receive, Scope, Send

from policykg.errors import NotFound, ParameterError
from policykg.formats import parse_accept
from policykg.linkeddata.manifest import DumpFile, Manifest
from policykg.linkeddata.void import LICENCE

from ..apidoc import ACCEPT, content, error_responses, get_and_head
from ..httpcache import CACHE_CONTROL, HEAD_KEY, etag_matches
from ..jinja import render
from ..served import served_build

__all__ = ["router"]

router = APIRouter(tags=["dumps"])

_NO_DUMPS = (
    "this server has no dumps: they are written by 'policykg build' for the policy graph "
    "(not for --data files); run 'policykg build' and restart the server (over a remote "
    "store: give the server the dist/ of the version published there)"
)


def _dumps(request: Request) -> tuple[Path, Manifest]:
    """The served build's dumps folder and manifest; 404 when it has none."""
    build = served_build(request.app.state)
    if build.manifest is None or build.folder is None:
        raise NotFound(_NO_DUMPS)
    return build.folder, build.manifest


def _entry(file: DumpFile) -> dict[str, Any]:
    return {**file.to_json(), "url": f"/dumps/{file.name}"}


def _wants_html(request: Request, format_param: str | None) -> bool:
    if format_param is not None:
        if format_param not in ("html", "json"):
            raise ParameterError(f"format: must be 'html' or 'json', not {format_param!r}")
        return format_param == "html"
    ranges = dict(parse_accept(request.headers.get("accept", "")))
    return ranges.get("text/html", 0.0) > ranges.get("application/json", 0.0)


@router.get(
    "/dumps/",
    response_model=None,
    responses={
        200: {
            "description": "The dump files.",
            "content": content(["application/json", "text/html"]),
        },
        **error_responses(400, 404),
    },
    openapi_extra={"parameters": [ACCEPT]},
)
async def dumps_index(
    request: Request,
    format: Annotated[str | None, Query(description="html or json; overrides Accept.")] = None,
) -> Response:
    """The dumps of the served build: each file with its size, counts, SHA-256 and link."""
    _, manifest = _dumps(request)
    body = {
        "version": manifest.version,
        "modified": manifest.modified,
        "licence": LICENCE,
        "description": "/.well-known/void",
        "files": [_entry(f) for f in manifest.files],
    }
    headers = {"Vary": "Accept"}
    if _wants_html(request, format):
        return HTMLResponse(
            render("dumps_index.html", **{**body, "void": body["description"]}), headers=headers
        )
    return JSONResponse(body, headers=headers)


class _DumpResponse(FileResponse):
    """A file response that answers a HEAD (sent on as GET by HttpCache) without reading the file."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get(HEAD_KEY):
            scope = {**scope, "method": "HEAD"}
        await super().__call__(scope, receive, send)


@get_and_head(
    router,
    "/dumps/{name}",
    response_model=None,
    responses={
        200: {
            "description": "The file (Range requests are honoured).",
            "content": content(["application/octet-stream"]),
        },
        206: {"description": "Part of the file."},
        304: {"description": "Not modified (If-None-Match)."},
        **error_responses(404),
    },
    openapi_extra={
        "parameters": [
            {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}},
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
            },
        ]
    },
)
async def dump_file(name: str, request: Request) -> Response:
    """One dump file, with ``ETag`` (its SHA-256), ``Last-Modified``, ``Range`` and ``HEAD``."""
    folder, manifest = _dumps(request)
    entry = manifest.file(name)
    if entry is None or "/" in entry.name or entry.name.startswith("."):
        raise NotFound(f"no dump named {name!r}; the dumps are listed at /dumps/")
    etag = f'"{entry.sha256}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Accept-Ranges": "bytes"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return _DumpResponse(
        folder / entry.name,
        media_type=entry.media_type,
        filename=entry.name,
        headers=headers,
    )
