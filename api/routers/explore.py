"""The graph explorer (``/explore``) and the timeline (``/timeline``) pages.

Both are static pages whose scripts read the API (``/network``, ``/network/paths``,
``/timeline.json``). Their libraries come from the npm registry (``npm ci``) and are
served from ``node_modules`` under ``/static/vendor/explore/…``, never from a CDN:
Cytoscape.js with the fCoSE layout (and its bases), sigma.js with graphology (WebGL, for
views of thousands of nodes), and vis-timeline's standalone build. Our own files (``explore*.js``, ``timeline.js``,
``explore.css``) are served by the query page's router under ``/static/ui/…``. When
``node_modules`` lacks a library a page needs, the page answers 503 saying how to fix it.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from policykg.data import data_root

from .ui import CSP, UI_DIR

__all__ = ["EXPLORER_FILES", "TIMELINE_FILES", "VENDOR", "create_router", "router"]

#: Public name under ``/static/vendor/explore/`` → path inside ``node_modules``.
VENDOR: dict[str, str] = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "layout-base.js": "layout-base/layout-base.js",
    "cose-base.js": "cose-base/cose-base.js",
    "cytoscape-fcose.js": "cytoscape-fcose/cytoscape-fcose.js",
    "graphology.umd.min.js": "graphology/dist/graphology.umd.min.js",
    "sigma.min.js": "sigma/dist/sigma.min.js",
    "vis-timeline-graph2d.min.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline-graph2d.min.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
}

#: The vendor files each page cannot work without.
EXPLORER_FILES = (
    "cytoscape.min.js",
    "layout-base.js",
    "cose-base.js",
    "cytoscape-fcose.js",
    "graphology.umd.min.js",
    "sigma.min.js",
)
TIMELINE_FILES = ("vis-timeline-graph2d.min.js", "vis-timeline-graph2d.min.css")

_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
_MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>policykg: {title} not installed</title>
</head><body><h1>The {title} is not installed</h1>
<p>Its libraries come from the npm registry and are not installed: <code>{path}</code>
is missing. Run <code>npm ci</code> in <code>{root}</code> and reload this page.</p>
<p>The data itself is served without them: <a href="network">/network</a>,
<a href="timeline.json">/timeline.json</a>.</p></body></html>
"""


def _page(root: Path, ui_dir: Path, name: str, title: str, needs: tuple[str, ...]) -> Response:
    headers = {**_HEADERS, "Content-Security-Policy": CSP, "Cache-Control": "no-cache"}
    modules = root / "node_modules"
    for vendor in needs:
        path = modules / VENDOR[vendor]
        if not path.is_file():
            text = _MISSING.format(
                title=title, path=html.escape(str(path)), root=html.escape(str(root))
            )
            return HTMLResponse(text, status_code=503, headers=headers)
    return FileResponse(ui_dir / name, media_type="text/html", headers=headers)


def create_router(root: Path | None = None, ui_dir: Path = UI_DIR) -> APIRouter:
    """The two pages and their vendor files, read from ``node_modules`` under ``root``
    (the data root, where ``npm ci`` ran, by default)."""
    api = APIRouter(include_in_schema=False)
    base = root or data_root()
    modules = base / "node_modules"

    @api.api_route("/explore", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def explorer() -> Response:
        return _page(base, ui_dir, "explore.html", "graph explorer", EXPLORER_FILES)

    @api.api_route("/timeline", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def timeline() -> Response:
        return _page(base, ui_dir, "timeline.html", "timeline", TIMELINE_FILES)

    @api.api_route("/static/vendor/explore/{name}", methods=["GET", "HEAD"])
    def vendor_file(name: str) -> Response:
        relative = VENDOR.get(name)
        path = modules / relative if relative is not None else None
        if path is None or not path.is_file():
            raise HTTPException(404, f"no such file: {name}; is node_modules installed (npm ci)?")
        return FileResponse(path, headers={**_HEADERS, "Cache-Control": "public, max-age=3600"})

    return api


#: The router ``create_app`` includes.
router = create_router()
