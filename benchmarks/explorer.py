"""Time the explorer's first drawing of a large synthetic network in headless Chromium.

Run by hand (not a test)::

    .venv/bin/python benchmarks/explorer.py --nodes 5000 --runs 3

The network is made from ``generate.py``'s claims: each claim whose object is an IRI
is an edge from its company to the data category, purpose or jurisdiction it names;
claims with the same subject, predicate and object are one edge, with their count, as
``/network`` builds it. Claims are read in the order generated until the network has
``--nodes`` nodes. Its views are served as the server serves them (``/network`` in the
compact form the page asks for, ``/network/claims``, ``/network/catalogue``; the same for
any filters) next to the real ``/explore`` page, and the page's own measures are read
(milliseconds from the start of navigation): ``body[data-fetched-ms]``, the view's JSON
fetched and parsed; ``body[data-first-draw-ms]``, the view on the canvas (the animation frame in which the
library draws it; ``body[data-first-frame-ms]``, "next frame", when the frame after it
begins, the drawing done);
``body[data-ready-ms]``, the filter lists and search ready too (from the catalogue,
fetched after the first drawing); and ``body[data-layout-ms]``, placing the view and
handing it to the drawing library. The CPU time Chromium's processes spent from the
navigation to the first drawing and to the next frame is printed too. The figures go in ``benchmarks/README.md`` by hand, with the load average printed first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response
from playwright.sync_api import CDPSession, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PKG, generate_quads, plan
from policykg.api.routers import explore, ui

from policykg.network.filters import Filters
from policykg.network.views import catalogue, edge_claims, to_compact, to_cytoscape

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
_QUAD = re.compile(r"^<([^>]+)> <([^>]+)> (<[^>]+>|\S.*?) <[^>]+> \.$")
_TYPES = {"id/data/": "data", "id/purpose/": "purpose", "loc#": "jurisdiction"}
_STANCES = {"Asserted": "asserted", "Denied": "denied"}
#: The page's measures (``body[data-…]``), by their name in the report.
_MEASURES = {
    "fetchedMs": "fetched",
    "layoutMs": "placed",
    "firstDrawMs": "first drawing",
    "firstFrameMs": "next frame",
    "readyMs": "ready",
}


def _claims(lines: Iterator[str]) -> Iterator[dict[str, str]]:
    """Claims as dicts of subject, predicate, object (IRIs only), stance and source."""
    current: dict[str, str] = {}
    name = ""
    for line in lines:
        match = _QUAD.match(line.strip())
        if not match or "/claim/" not in match[1]:
            continue
        if match[1] != name:
            if {"subject", "predicate", "object"} <= current.keys():
                yield current
            name, current = match[1], {"iri": match[1]}
        key = match[2].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        value = match[3]
        if key in ("subject", "predicate", "object") and value.startswith("<"):
            current[key] = value[1:-1]
        elif key == "stance":
            current["stance"] = _STANCES.get(value[1:-1].removeprefix(PKG), "asserted")
        elif key == "wasDerivedFrom":
            current["source"] = value[1:-1]
    if {"subject", "predicate", "object"} <= current.keys():
        yield current


def _kind(iri: str) -> str:
    return next((kind for part, kind in _TYPES.items() if part in iri), "organisation")


def network(nodes: int) -> nx.MultiDiGraph:
    """A network of about ``nodes`` nodes from generated claims, with the attributes
    ``/network`` builds (``policykg.network.build``), so that its views are the server's."""
    claims = 60 * nodes  # one company per ~60 claims: enough companies to reach ``nodes``
    assert plan(claims).companies >= nodes
    seen: set[str] = set()
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for claim in _claims(generate_quads(claims)):
        ends = {claim["subject"], claim["object"]}
        if len(seen | ends) > nodes:
            if len(seen) >= nodes:
                break
            continue
        seen |= ends
        groups[(claim["subject"], claim["predicate"], claim["object"])].append(claim)
    graph = nx.MultiDiGraph()
    for i in sorted(seen):
        graph.add_node(i, id=i, iri=i, label=i.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                       labels={}, type=_kind(i))  # fmt: skip
    for (s, p, o), cs in groups.items():
        key = f"{s}|{p}|{o}"
        detail = [
            {
                "iri": c["iri"],
                "source": c.get("source", ""),
                "source_label": c.get("source", "").rsplit("/", 1)[-1],
                "stance": c.get("stance", "asserted"),
                "quote": None,
                "quote_lang": None,
                "paragraph": None,
                "corrected": False,
                "period": None,
                "jurisdiction": None,
            }
            for c in cs
        ]
        graph.add_edge(s, o, key=key, id=key, property=p, label=p.rsplit("#", 1)[-1],
                       count=len(cs), disputed=False, corrected=False, claims=detail)  # fmt: skip
    return graph


def _json(value: Any) -> Response:
    return Response(json.dumps(value, ensure_ascii=False).encode(), media_type="application/json")


def _serve(graph: nx.MultiDiGraph, body: bytes) -> tuple[uvicorn.Server, str]:
    """The explorer's pages, and the network's endpoints answering as the server's do
    (the same views of ``graph``, for any filters)."""
    app = FastAPI()
    app.include_router(ui.router)
    app.include_router(explore.router)
    whole = catalogue(graph)

    @app.get("/network")
    def get_network(format: str = "cytoscape") -> Response:
        if format != "compact":
            return _json(to_cytoscape(graph, Filters()))
        return Response(body, media_type="application/json")

    @app.get("/network/claims")
    def get_claims(request: Request) -> Response:
        edges, nodes = (tuple(request.query_params.getlist(k)) for k in ("edge", "node"))
        return _json({"edges": edge_claims(graph, edges, nodes)})

    @app.get("/network/catalogue")
    def get_catalogue() -> Response:
        return _json(whole)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _cpu(cdp: CDPSession) -> dict[str, float]:
    """CPU seconds used so far by Chromium's processes, added up by kind (browser,
    renderer, GPU: with no GPU, WebGL is drawn by the GPU process in software)."""
    spent: dict[str, float] = defaultdict(float)
    for process in cdp.send("SystemInfo.getProcessInfo")["processInfo"]:
        spent[str(process["type"]).split(".")[0]] += float(process["cpuTime"])
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshot", type=Path, help="save the first run's page as this PNG")
    args = parser.parse_args(argv)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    graph = network(args.nodes)
    view = to_compact(graph, Filters())
    body = json.dumps(view, ensure_ascii=False).encode()
    counts = view["counts"]
    full = len(json.dumps(to_cytoscape(graph, Filters()), ensure_ascii=False).encode())
    print(
        f"network: {counts['nodes']} nodes, {counts['edges']} edges, "
        f"{len(body) / 1e6:.1f} MB of compact JSON ({full / 1e6:.1f} MB as Cytoscape.js JSON; "
        f"made in {time.perf_counter() - started:.1f} s)"
    )
    server, url = _serve(graph, body)
    measures: dict[str, list[int]] = defaultdict(list)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            cdp = browser.new_browser_cdp_session()
            for run in range(args.runs):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                before = _cpu(cdp)
                page.goto(url + "/explore", wait_until="commit")
                cpu: dict[str, dict[str, float]] = {}
                for mark, name in (
                    ("first-draw", "the first drawing"),
                    ("first-frame", "the next frame"),
                ):
                    page.wait_for_selector(f"body[data-{mark}-ms]", timeout=300_000)
                    spent = _cpu(cdp)
                    cpu[name] = {kind: spent[kind] - before.get(kind, 0.0) for kind in spent}
                page.wait_for_selector("body[data-ready-ms]", timeout=300_000)
                drawn = page.evaluate("[document.body.dataset.nodes, document.body.dataset.edges]")
                assert drawn == [str(counts["nodes"]), str(counts["edges"])], drawn
                got = page.evaluate("Object.assign({}, document.body.dataset)")
                if run == 0 and args.screenshot:
                    page.screenshot(path=str(args.screenshot))
                for name in _MEASURES:
                    measures[name].append(int(got[name]))
                print(
                    f"run {run + 1}: "
                    + ", ".join(f"{_MEASURES[k]} {v[-1]} ms" for k, v in measures.items())
                )
                for name, used in cpu.items():
                    print(
                        f"  CPU seconds by {name}: "
                        + ", ".join(f"{k} {v:.2f}" for k, v in sorted(used.items()) if v >= 0.005)
                        + f" (in all {sum(used.values()):.2f})"
                    )
                page.close()
            browser.close()
    finally:
        server.should_exit = True
    print(
        "median: "
        + ", ".join(f"{_MEASURES[k]} {statistics.median(v):.0f} ms" for k, v in measures.items())
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
