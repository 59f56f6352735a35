"""The browser query page: YASGUI (from ``node_modules``) plus our own small page; the
API docs: Swagger UI (from ``node_modules`` too).

``GET /`` answers the page; ``/static/vendor/yasgui/…`` serves the editor's build
files from ``node_modules/@zazuko/yasgui/build`` (installed by ``npm ci``, never
fetched from a CDN) and ``/static/ui/…`` our own files from ``api/ui``. ``GET /docs``
is Swagger UI over ``/openapi.json``, its files from ``node_modules/swagger-ui-dist``
at ``/static/vendor/swagger-ui/…`` (its validator badge, which would call
validator.swagger.io, is off). When ``node_modules`` is missing, ``GET /`` and
``GET /docs`` answer 503 with a page saying how to fix it.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from policykg.data import data_root

__all__ = [
    "CSP",
    "SWAGGER_FILES",
    "UI_DIR",
    "VENDOR_FILES",
    "create_router",
    "query_page",
    "router",
    "swagger_dir",
    "vendor_dir",
]

#: Our own page, script and style sheet.
UI_DIR = Path(str(resources.files("policykg.api"))) / "ui"

#: The only files served from YASGUI's build folder.
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map")

#: The only files served from swagger-ui-dist.
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")

#: The page runs no inline script, no eval, and talks only to its own origin.
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # YASR's table (column-resizer) adds <style> elements and style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_UI_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(?:js|css|svg|png|ico)$")
_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
_MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>policykg: query page not installed</title>
</head><body><h1>The query page is not installed</h1>
<p>The SPARQL editor (YASGUI) comes from the npm registry and is not installed:
<code>{path}</code> is missing. Run <code>npm ci</code> in <code>{root}</code>
and reload this page.</p>
<p>The SPARQL endpoint itself works without it: <a href="sparql">/sparql</a>,
named queries: <a href="queries">/queries</a>.</p></body></html>
"""


def vendor_dir(root: Path | None = None) -> Path:
    """Where ``npm ci`` puts YASGUI's build files (under the data root by default)."""
    return (root or data_root()) / "node_modules" / "@zazuko" / "yasgui" / "build"


def swagger_dir(root: Path | None = None) -> Path:
    """Where ``npm ci`` puts Swagger UI's files (under the data root by default)."""
    return (root or data_root()) / "node_modules" / "swagger-ui-dist"


def docs_page(root: Path | None = None) -> Response:
    """Swagger UI over ``openapi.json``, every file from this server (503 when ``npm ci`` is due).

    Its links are relative, so the page works behind a path prefix too.
    """
    folder = swagger_dir(root)
    if not all((folder / name).is_file() for name in SWAGGER_FILES):
        text = _MISSING.format(
            path=html.escape(str(folder)), root=html.escape(str(root or data_root()))
        ).replace("SPARQL editor (YASGUI)", "API documentation (Swagger UI)")
        return HTMLResponse(text, status_code=503, headers=_HEADERS)
    page = get_swagger_ui_html(
        openapi_url="openapi.json",
        title="policykg: HTTP API",
        swagger_js_url="static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="static/ui/favicon.svg",
        swagger_ui_parameters={"validatorUrl": None},
    )
    return HTMLResponse(page.body, headers={**_HEADERS, "Cache-Control": "no-cache"})


def query_page(root: Path | None = None, ui_dir: Path = UI_DIR) -> Response:
    """The page itself, for ``GET /`` (and ``GET /sparql`` when a browser asks for HTML).

    Its links are relative (``static/…``, ``sparql``, ``queries``), so it works at
    ``/`` and ``/sparql`` alike. Answers 503 with instructions when ``npm ci`` is due.
    """
    vendor = vendor_dir(root)
    if not all((vendor / name).is_file() for name in VENDOR_FILES[:2]):
        text = _MISSING.format(
            path=html.escape(str(vendor)), root=html.escape(str(root or data_root()))
        )
        return HTMLResponse(text, status_code=503, headers=_page_headers())
    return FileResponse(ui_dir / "index.html", media_type="text/html", headers=_page_headers())


def create_router(root: Path | None = None, ui_dir: Path = UI_DIR) -> APIRouter:
    """The page's routes, reading ``node_modules`` under ``root``."""
    vendor, swagger = vendor_dir(root), swagger_dir(root)
    api = APIRouter(include_in_schema=False)

    @api.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def page() -> Response:
        return query_page(root, ui_dir)

    @api.api_route("/static/vendor/yasgui/{name}", methods=["GET", "HEAD"])
    def vendor_file(name: str) -> Response:
        path = vendor / name
        if name not in VENDOR_FILES or not path.is_file():
            raise HTTPException(404, f"no such file: {name}; is node_modules installed (npm ci)?")
        return FileResponse(path, headers={**_HEADERS, "Cache-Control": "public, max-age=3600"})

    @api.api_route("/docs", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def docs() -> Response:
        return docs_page(root)

    @api.api_route("/static/vendor/swagger-ui/{name}", methods=["GET", "HEAD"])
    def swagger_file(name: str) -> Response:
        path = swagger / name
        if name not in SWAGGER_FILES or not path.is_file():
            raise HTTPException(404, f"no such file: {name}; is node_modules installed (npm ci)?")
        return FileResponse(path, headers={**_HEADERS, "Cache-Control": "public, max-age=3600"})

    @api.api_route("/static/ui/{name}", methods=["GET", "HEAD"])
    def ui_file(name: str) -> Response:
        path = ui_dir / name
        if not _UI_NAME.match(name) or not path.is_file():
            raise HTTPException(404, f"no such file: {name}")
        return FileResponse(path, headers={**_HEADERS, "Cache-Control": "no-cache"})

    return api


def _page_headers() -> dict[str, str]:
    return {**_HEADERS, "Content-Security-Policy": CSP, "Cache-Control": "no-cache"}


#: The router ``create_app`` includes.
router = create_router()
