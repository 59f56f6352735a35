"""Helpers for driving the explorer and the timeline in Chromium, and reading the API."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any, Protocol

from playwright.sync_api import BrowserContext, Page

from .pages import recording

__all__ = [
    "HasUrl",
    "api",
    "click_node",
    "drawn",
    "drawn_ids",
    "hover_edge",
    "open_page",
    "wait_drawn",
]


class HasUrl(Protocol):
    """A running server (``policy_server``, or any serving the same API)."""

    url: str


def api(server: HasUrl, path: str) -> Any:
    """``GET path`` on the server, as JSON."""
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return json.load(response)


def open_page(
    browser: BrowserContext, server: HasUrl, path: str
) -> tuple[Page, list[str], list[str]]:
    """``path`` with its console errors and off-origin requests recorded; for the explorer,
    once the first view is drawn, for the timeline once its items are."""
    page, errors, foreign = recording(browser, server.url)
    response = page.goto(server.url + path)
    assert response is not None
    assert response.status == 200, response.status
    if path.startswith("/explore"):
        page.wait_for_selector("body[data-drawn], body[data-error]")
        assert page.evaluate("document.body.dataset.error") is None, errors
    else:
        page.wait_for_selector("body[data-items], body[data-error]")
        assert page.evaluate("document.body.dataset.error") is None, errors
        # vis-timeline keeps itself hidden until its first full redraw.
        page.wait_for_selector(".vis-timeline", state="visible")
    return page, errors, foreign


def drawn(page: Page) -> int:
    return int(page.evaluate("document.body.dataset.drawn"))


def wait_drawn(page: Page, before: int, timeout: float = 30.0) -> None:
    """Wait until the explorer has drawn again after ``before`` draws.

    Polled from here: the page's policy forbids the string evaluation that
    ``wait_for_function`` relies on.
    """
    deadline = time.monotonic() + timeout
    while drawn(page) <= before:
        error = page.evaluate("document.body.dataset.error")
        assert error is None, error
        assert time.monotonic() < deadline, f"no new drawing after {before} in {timeout} s"
        page.wait_for_timeout(50)


def drawn_ids(page: Page) -> tuple[set[str], set[str]]:
    """The ids of the nodes and edges on the canvas."""
    ids: list[list[str]] = page.evaluate(
        """() => {
            const cy = window.policykgExplorer.cy;
            return [cy.nodes().map((n) => n.id()), cy.edges().map((e) => e.id())];
        }"""
    )
    return set(ids[0]), set(ids[1])


def _screen_point(page: Page, script: str, element_id: str) -> tuple[float, float]:
    """Centre the element, zoomed in, and return where it is on the screen."""
    point: list[float] = page.evaluate(
        """([id, script]) => {
            const cy = window.policykgExplorer.cy;
            const ele = cy.getElementById(id);
            cy.zoom(2);
            cy.center(ele);
            const at = script === 'node' ? ele.renderedPosition() : ele.renderedMidpoint();
            const box = cy.container().getBoundingClientRect();
            return [box.left + at.x, box.top + at.y];
        }""",
        [element_id, script],
    )
    return point[0], point[1]


def click_node(page: Page, node: str) -> None:
    """Click a node on the canvas where it is drawn."""
    x, y = _screen_point(page, "node", node)
    page.mouse.click(x, y)


def hover_edge(page: Page, edge: str) -> None:
    """Move the mouse onto an edge, where the canvas finds that edge and nothing else,
    and check that its tooltip shows.

    The layout is random, so a node or another edge may lie over any fixed point of
    the edge (its middle, a point on the chord of a curved edge): the points are the
    ones Cytoscape.js's own hit test gives to this edge, nearest to its middle first.
    """
    _screen_point(page, "edge", edge)
    points: list[list[float]] = page.evaluate(
        """([id]) => {
            const cy = window.policykgExplorer.cy;
            const ele = cy.getElementById(id);
            const box = cy.container().getBoundingClientRect();
            const bb = ele.renderedBoundingBox({ includeLabels: false });
            const pan = cy.pan(), zoom = cy.zoom(), mid = ele.renderedMidpoint();
            const hits = [];
            for (let x = Math.max(0, bb.x1); x <= Math.min(box.width, bb.x2); x += 2) {
                for (let y = Math.max(0, bb.y1); y <= Math.min(box.height, bb.y2); y += 2) {
                    const found = cy.renderer().findNearestElement(
                        (x - pan.x) / zoom, (y - pan.y) / zoom, true, false);
                    if (found && found.id() === id) hits.push([x, y]);
                }
            }
            hits.sort((p, q) => Math.hypot(p[0] - mid.x, p[1] - mid.y)
                - Math.hypot(q[0] - mid.x, q[1] - mid.y));
            return hits.slice(0, 5).map((p) => [box.left + p[0], box.top + p[1]]);
        }""",
        [edge],
    )
    assert points, f"no point of edge {edge} is clear of other elements on the canvas"
    for x, y in points:
        page.mouse.move(x - 20, y - 20)
        page.mouse.move(x, y)
        shown = page.evaluate(
            "() => { const t = document.getElementById('pk-tip');"
            " return t.hidden ? null : t.dataset.edge; }"
        )
        if shown == edge:
            return
    raise AssertionError(f"the tooltip of edge {edge} did not show at {points}")
