"""The explorer on a view too large for Cytoscape.js: drawn by sigma.js (WebGL).

A synthetic network over the explorer's threshold (300 nodes) is served at
``/network`` (in the compact form the page asks for), ``/network/claims`` and
``/network/catalogue``, as the server's views of it, beside the real ``/explore`` page
(its routers, with their security policy). The page must draw every node and edge of it,
open a node's panel when the node is clicked, with the claims of its edges (read when the
panel opens), and export it as SVG (one element per node and per edge) and PNG.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response
from playwright.sync_api import BrowserContext, expect
from policykg.api.routers import explore, ui

from policykg.network.filters import Filters
from policykg.network.views import catalogue, edge_claims, to_compact, to_cytoscape

from .explorer_pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://example.org/"
#: More than the explorer's LARGE (explore.js), so that sigma.js draws it.
LARGE = 300
HUBS = 20
LEAVES = 400
HUB = BASE + "org/0"


def _claim(subject: str, target: str) -> dict[str, Any]:
    return {
        "iri": f"{BASE}claim/{subject.rsplit('/', 1)[-1]}-{target.rsplit('/', 1)[-1]}",
        "source": BASE + "source/a",
        "source_label": "Source A",
        "stance": "asserted",
        "quote": f"{subject.rsplit('/', 1)[-1]} uses {target.rsplit('/', 1)[-1]}",
        "quote_lang": "en",
        "paragraph": 1,
        "corrected": False,
        "period": None,
        "jurisdiction": None,
    }


def synthetic() -> dict[str, Any]:
    """HUBS organisations, LEAVES data categories, each leaf used by two organisations."""
    hubs = [f"{BASE}org/{i}" for i in range(HUBS)]
    leaves = [f"{BASE}data/{j}" for j in range(LEAVES)]
    nodes = [
        {"data": {"id": i, "iri": i, "label": f"Org {n}", "labels": {}, "type": "organisation"}}
        for n, i in enumerate(hubs)
    ] + [
        {"data": {"id": i, "iri": i, "label": f"Data {n}", "labels": {}, "type": "data"}}
        for n, i in enumerate(leaves)
    ]
    prop = "https://w3id.org/dpv#hasPersonalData"
    edges = []
    for n, leaf in enumerate(leaves):
        for hub in {hubs[n % HUBS], hubs[(n * 7 + 3) % HUBS]}:
            edges.append(
                {
                    "data": {
                        "id": f"{hub}|{prop}|{leaf}",
                        "source": hub,
                        "target": leaf,
                        "property": prop,
                        "label": "hasPersonalData",
                        "count": 1,
                        "disputed": n % 50 == 0,
                        "corrected": False,
                        "claims": [_claim(hub, leaf)],
                    }
                }
            )
    return {
        "elements": {"nodes": nodes, "edges": edges},
        "filters": {},
        "counts": {"nodes": len(nodes), "edges": len(edges)},
    }


class _Url:
    def __init__(self, url: str) -> None:
        self.url = url


def _graph(view: dict[str, Any]) -> nx.MultiDiGraph:
    """The network a Cytoscape.js view was made from (as ``policykg.network.build`` has it)."""
    graph = nx.MultiDiGraph()
    for node in view["elements"]["nodes"]:
        graph.add_node(node["data"]["id"], **node["data"])
    for edge in view["elements"]["edges"]:
        data = {k: v for k, v in edge["data"].items() if k not in ("source", "target")}
        graph.add_edge(edge["data"]["source"], edge["data"]["target"], key=data["id"], **data)
    return graph


def _json(value: Any) -> Response:
    return Response(json.dumps(value).encode(), media_type="application/json")


@pytest.fixture(scope="module")
def large_server() -> Iterator[_Url]:
    """The explorer's pages and the synthetic network's views, the same for any
    filters, on a free loopback port."""
    graph = _graph(synthetic())
    again, view = to_cytoscape(graph, Filters())["elements"], synthetic()["elements"]
    assert again["nodes"] == view["nodes"]
    assert sorted(again["edges"], key=str) == sorted(view["edges"], key=str)
    app = FastAPI()
    app.include_router(ui.router)
    app.include_router(explore.router)

    @app.get("/network")
    def network(request: Request) -> Response:
        assert request.query_params.get("format") == "compact"
        return _json(to_compact(graph, Filters()))

    @app.get("/network/claims")
    def claims(request: Request) -> Response:
        edges, nodes = (tuple(request.query_params.getlist(k)) for k in ("edge", "node"))
        return _json({"edges": edge_claims(graph, edges, nodes)})

    @app.get("/network/catalogue")
    def catalogue_() -> Response:
        return _json(catalogue(graph))

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield _Url(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _without_gl_notes(errors: list[str]) -> list[str]:
    """Console errors, less the software WebGL's performance notes (not the page's)."""
    return [e for e in errors if "GL Driver Message" not in e]


def test_a_large_view_is_drawn_whole_by_sigma(
    browser: BrowserContext, large_server: _Url, tmp_path: Path
) -> None:
    view = synthetic()
    nodes = {n["data"]["id"] for n in view["elements"]["nodes"]}
    edges = {e["data"]["id"] for e in view["elements"]["edges"]}
    assert len(nodes) > LARGE
    page, errors, foreign = open_page(browser, large_server, "/explore")
    drawn: list[list[str]] = page.evaluate(
        """() => {
            const x = window.policykgExplorer;
            return [x.cy === null ? [] : ['cy'], x.big.graph.nodes(), x.big.graph.edges()];
        }"""
    )
    assert page.evaluate("window.policykgExplorer.large") == LARGE
    assert drawn[0] == []  # Cytoscape.js is not drawing
    assert (set(drawn[1]), set(drawn[2])) == (nodes, edges)
    assert page.evaluate("[document.body.dataset.nodes, document.body.dataset.edges]") == [
        str(len(nodes)),
        str(len(edges)),
    ]
    assert re.search(r"drawn with WebGL", page.inner_text("#pk-status"))

    # Clicking the hub opens its panel with every fact it has.
    point: list[float] = page.evaluate(
        """(id) => {
            const big = window.policykgExplorer.big;
            const at = big.renderer.getNodeDisplayData(id);
            big.renderer.getCamera().setState({ x: at.x, y: at.y, ratio: 0.2 });
            big.renderer.refresh();
            const p = big.renderer.framedGraphToViewport(at);
            const box = big.renderer.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        HUB,
    )
    page.mouse.click(point[0], point[1])
    page.wait_for_selector(f"#pk-panel[data-node='{HUB}']")
    degree = sum(1 for e in edges if e.startswith(HUB + "|"))
    assert page.inner_text("#pk-panel h3 >> nth=0") == f"Facts ({degree})"
    # The claims of its edges, which the first drawing left out, are read when it opens.
    quotes = sorted(
        c["quote"]
        for e in view["elements"]["edges"]
        if e["data"]["source"] == HUB
        for c in e["data"]["claims"]
    )
    claims = page.locator("#pk-panel .pk-facts li.pk-claim q")
    expect(claims).to_have_count(degree)
    assert sorted(claims.all_inner_texts()) == quotes
    expect(page.locator("#pk-panel h3 >> nth=1")).to_have_text("Sources (1)")

    with page.expect_download() as download:
        page.click("#pk-svg")
    svg = tmp_path / "large.svg"
    download.value.save_as(svg)
    root = ElementTree.parse(svg).getroot()  # noqa: S314 - written by our own page
    assert root.tag == SVG + "svg"
    found = {
        kind: [e.get("data-id", "") for e in root.iter() if e.get("class") == f"pk-{kind}"]
        for kind in ("node", "edge")
    }
    assert sorted(found["node"]) == sorted(nodes)
    assert sorted(found["edge"]) == sorted(edges)

    with page.expect_download() as download:
        page.click("#pk-png")
    assert download.value.suggested_filename == "policykg-view.png"
    png = tmp_path / "large.png"
    download.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _without_gl_notes(errors) == []
    assert foreign == []
