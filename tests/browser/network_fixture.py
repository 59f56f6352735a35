"""A stand-in for the network API, for the explorer and timeline tests: CANNED DATA.

The real ``/network``, ``/network/paths`` and ``/timeline.json`` are built on another
branch (see ``/work/briefs/network-contract.md`` for the contract both follow). Until
they are merged, the browser tests of ``/explore`` and ``/timeline`` run against this
small app, which serves the real pages (``api/routers/explore.py`` and the query page's
``/static/ui/…``) next to canned answers:

- ``data/network/graph.json``: every claim of the built policy graph whose object is an
  IRI (136 claims, 89 entities, with quotes, stances, sources, periods), copied once
  from ``policykg build``; the filters of the contract (``as_of``, ``source``,
  ``type``, ``jurisdiction``, ``stance``, ``include_corrected``, ``focus``/``depth``)
  are applied to it here in the simplest way, so that a filter changes what is drawn.
- ``data/network/timeline.json``: the dated events of the five articles, by hand.

Once the real endpoints are merged, the tests switch to ``policy_server`` by changing
one fixture (``explorer_server`` in ``test_explorer.py``) and this module can go.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from policykg.api.routers import explore, ui

__all__ = ["CANNED", "CannedServer", "network", "serving"]

CANNED = Path(__file__).parent / "data" / "network"
LOC = "https://w3id.org/dpv/loc#"
STANCES = ("asserted", "reported", "alleged", "denied", "inferred")
EXCLUDES = "https://w3id.org/policykg/ontology#excludesJurisdiction"
Json = dict[str, Any]


class BadParameter(ValueError):
    """A query parameter the contract does not allow; answered with 400."""


def _graph() -> Json:
    data: Json = json.loads((CANNED / "graph.json").read_text(encoding="utf-8"))
    return data


def _one(params: Request, name: str) -> str | None:
    values = params.query_params.getlist(name)
    if len(values) > 1:
        raise BadParameter(f"parameter '{name}': given more than once")
    return values[0] if values else None


def _filters(request: Request) -> Json:
    """The contract's filters, parsed; :class:`BadParameter` names a bad one."""
    as_of = _one(request, "as_of")
    if as_of is not None:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            raise BadParameter("parameter 'as_of': expected a date YYYY-MM-DD") from None
    stances = request.query_params.getlist("stance")
    for stance in stances:
        if stance not in STANCES:
            raise BadParameter(f"parameter 'stance': expected one of {', '.join(STANCES)}")
    corrected = _one(request, "include_corrected") or "false"
    if corrected not in ("true", "false"):
        raise BadParameter("parameter 'include_corrected': expected true or false")
    depth_text = _one(request, "depth")
    depth = 2
    if depth_text is not None:
        if not re.fullmatch(r"[1-5]", depth_text):
            raise BadParameter("parameter 'depth': expected an integer from 1 to 5")
        depth = int(depth_text)
    jurisdiction = _one(request, "jurisdiction")
    if jurisdiction is not None and jurisdiction.startswith("loc:"):
        jurisdiction = LOC + jurisdiction.removeprefix("loc:")
    return {
        "as_of": as_of,
        "source": request.query_params.getlist("source"),
        "type": request.query_params.getlist("type"),
        "jurisdiction": jurisdiction,
        "stance": stances,
        "include_corrected": corrected == "true",
        "focus": _one(request, "focus"),
        "depth": depth,
    }


def _holds(claim: Json, issued: dict[str, str | None], filters: Json) -> bool:
    day = filters["as_of"]
    if day is not None:
        published = issued.get(claim["source"])
        if published is not None and published > day:
            return False
        period = claim["period"]
        if period and period["start"] and period["start"] > day:
            return False
        if period and period["end"] and period["end"] < day:
            return False
    if claim["corrected"] and not filters["include_corrected"]:
        return False
    if filters["stance"] and claim["stance"] not in filters["stance"]:
        return False
    wanted = filters["jurisdiction"]
    if wanted and claim["jurisdiction"] not in (None, wanted):
        return False
    sources = filters["source"]
    seed = claim["source"].rsplit("/", 1)[-1]
    return not sources or any(s in (claim["source"], seed, seed[:3]) for s in sources)


def _disputed(claims: list[Json]) -> set[tuple[str, str, str]]:
    """Exclusions some sources state and others, excluding for the same practice, do not."""
    by_source: dict[tuple[str, str], set[str]] = defaultdict(set)
    backing: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for c in claims:
        if c["predicate"] == EXCLUDES and not c["corrected"]:
            by_source[(c["subject"], c["predicate"])].add(c["source"])
            backing[(c["subject"], c["predicate"], c["object"])].add(c["source"])
    return {key for key, srcs in backing.items() if srcs != by_source[key[:2]]}


def network(filters: Json) -> Json:
    """The filtered view in the contract's Cytoscape.js shape."""
    data = _graph()
    issued = {s["iri"]: s["issued"] for s in data["sources"]}
    labels = {s["iri"]: s["label"] for s in data["sources"]}
    nodes = {n["iri"]: n for n in data["nodes"]}
    disputed = _disputed(data["claims"])
    types = set(filters["type"])
    groups: dict[tuple[str, str, str], list[Json]] = defaultdict(list)
    for claim in data["claims"]:
        if not _holds(claim, issued, filters):
            continue
        ends = (nodes[claim["subject"]]["type"], nodes[claim["object"]]["type"])
        if types and not (ends[0] in types and ends[1] in types):
            continue
        groups[(claim["subject"], claim["predicate"], claim["object"])].append(claim)
    if filters["focus"]:
        groups = _neighbourhood(groups, filters["focus"], filters["depth"])
    edges = []
    for (s, p, o), claims in groups.items():
        short = re.split(r"[#/]", p)[-1]
        edges.append(
            {
                "data": {
                    "id": f"{s}|{p}|{o}",
                    "source": s,
                    "target": o,
                    "property": p,
                    "label": short,
                    "count": len(claims),
                    "disputed": (s, p, o) in disputed,
                    "corrected": all(c["corrected"] for c in claims),
                    "claims": [
                        {
                            **{k: c[k] for k in ("iri", "source", "stance", "quote")},
                            "source_label": labels[c["source"]],
                            **{k: c[k] for k in ("quote_lang", "paragraph", "corrected")},
                            "period": c["period"],
                            "jurisdiction": c["jurisdiction"],
                        }
                        for c in claims
                    ],
                }
            }
        )
    drawn = sorted({e["data"]["source"] for e in edges} | {e["data"]["target"] for e in edges})
    if filters["focus"] in nodes and filters["focus"] not in drawn:
        drawn.append(filters["focus"])
    out_nodes = [
        {"data": {"id": i, "iri": i, **{k: nodes[i][k] for k in ("label", "labels", "type")}}}
        for i in drawn
    ]
    return {
        "elements": {"nodes": out_nodes, "edges": edges},
        "filters": filters,
        "counts": {"nodes": len(out_nodes), "edges": len(edges)},
    }


def _neighbourhood(
    groups: dict[tuple[str, str, str], list[Json]], focus: str, depth: int
) -> dict[tuple[str, str, str], list[Json]]:
    near: dict[str, set[str]] = defaultdict(set)
    for s, _, o in groups:
        near[s].add(o)
        near[o].add(s)
    hops = {focus: 0}
    queue = deque([focus])
    while queue:
        node = queue.popleft()
        if hops[node] == depth:
            continue
        for other in near[node]:
            if other not in hops:
                hops[other] = hops[node] + 1
                queue.append(other)
    return {k: v for k, v in groups.items() if k[0] in hops and k[2] in hops}


def _node_link(view: Json) -> Json:
    return {
        "directed": True,
        "multigraph": False,
        "graph": {},
        "nodes": [n["data"] for n in view["elements"]["nodes"]],
        "links": [e["data"] for e in view["elements"]["edges"]],
    }


def _graphml(view: Json, fmt: str) -> bytes:
    graph = nx.DiGraph()
    for n in view["elements"]["nodes"]:
        graph.add_node(n["data"]["id"], label=n["data"]["label"], type=n["data"]["type"])
    for e in view["elements"]["edges"]:
        d = e["data"]
        graph.add_edge(d["source"], d["target"], label=d["label"], count=d["count"])
    out = BytesIO()
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, out)
    return out.getvalue()


def _paths(view: Json, start: str, end: str, k: int) -> Json:
    graph = nx.Graph()
    edges: dict[frozenset[str], Json] = {}
    for e in view["elements"]["edges"]:
        d = e["data"]
        graph.add_edge(d["source"], d["target"])
        edges.setdefault(frozenset((d["source"], d["target"])), d)
    if start not in graph or end not in graph:
        return {"paths": []}
    found = []
    try:
        for nodes in nx.shortest_simple_paths(graph, start, end):
            steps = []
            for a, b in pairwise(nodes):
                d = edges[frozenset((a, b))]
                steps.append(
                    {
                        "from": a,
                        "to": b,
                        "property": d["property"],
                        "label": d["label"],
                        "direction": "forward" if d["source"] == a else "backward",
                        "claims": d["claims"],
                    }
                )
            found.append({"length": len(steps), "steps": steps})
            if len(found) == k:
                break
    except nx.NetworkXNoPath:
        pass
    return {"paths": found}


def _error(message: str) -> JSONResponse:
    return JSONResponse({"error": "Bad request", "message": message, "status": 400}, 400)


def create_app() -> FastAPI:
    """The explorer's pages (real) and the network API (canned)."""
    app = FastAPI()
    app.include_router(ui.router)
    app.include_router(explore.router)
    known = {n["iri"] for n in _graph()["nodes"]}

    @app.get("/network")
    def get_network(request: Request) -> Response:
        try:
            filters = _filters(request)
        except BadParameter as error:
            return _error(str(error))
        fmt = _one(request, "format") or "cytoscape"
        view = network(filters)
        if fmt == "cytoscape":
            return JSONResponse(view)
        if fmt == "node-link":
            return JSONResponse(_node_link(view))
        if fmt in ("graphml", "gexf"):
            return Response(_graphml(view, fmt), media_type=f"application/{fmt}+xml")
        return _error("parameter 'format': expected cytoscape, node-link, graphml or gexf")

    @app.get("/network/paths")
    def get_paths(request: Request) -> Response:
        try:
            filters = _filters(request)
        except BadParameter as error:
            return _error(str(error))
        ends = {name: _one(request, name) for name in ("from", "to")}
        for name, iri in ends.items():
            if iri not in known:
                return _error(f"parameter '{name}': no such entity: {iri}")
        k = int(_one(request, "k") or "1")
        return JSONResponse(_paths(network(filters), str(ends["from"]), str(ends["to"]), k))

    @app.get("/timeline.json")
    def get_timeline() -> Response:
        return JSONResponse(json.loads((CANNED / "timeline.json").read_text(encoding="utf-8")))

    return app


class CannedServer:
    """The canned app served by uvicorn in a thread, at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url


@contextmanager
def serving() -> Iterator[CannedServer]:
    """Serve :func:`create_app` on a free loopback port until the block ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the canned network server did not start")
        time.sleep(0.05)
    try:
        yield CannedServer(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
