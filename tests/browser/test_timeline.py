"""The timeline (``/timeline``) in headless Chromium, on the real policy graph.

The server is ``policykg serve`` on the graph built from this checkout
(``policy_server``); expectations are read from the ``/timeline.json`` the page reads.

``scripts/screenshot-explorer`` sets ``POLICYKG_TIMELINE_SCREENSHOT`` to take the
README's picture of the state ``test_the_correction_is_on_30_september_2024`` ends in.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from .conftest import Server
from .explorer_pages import HasUrl, api, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def timeline_server(policy_server: Server) -> HasUrl:
    """The server the tests drive: ``policykg serve`` on the real policy graph."""
    return policy_server


def box(page: Page, item: dict[str, Any]) -> Locator:
    """The drawn box or range of an item (not its dot or line on the axis)."""
    kind = f".pk-kind-{item['kind']}"
    found = page.locator(f".vis-item:is(.vis-box, .vis-range){kind}")
    return found.filter(has_text=item["label"]) if found.count() > 1 else found


def start_x(locator: Locator) -> float:
    """Where an item starts on the screen: boxes are aligned left on their date."""
    rect = locator.bounding_box()
    assert rect is not None
    return rect["x"]


def long_date(day: str) -> str:
    """2025-09-15 as the page writes it: 15 September 2025."""
    when = date.fromisoformat(day)
    return f"{when.day} {when:%B %Y}"


def test_timeline_loads_cleanly_with_every_event(
    browser: BrowserContext, timeline_server: HasUrl
) -> None:
    data = api(timeline_server, "/timeline.json")
    page, errors, foreign = open_page(browser, timeline_server, "/timeline")
    assert page.evaluate("document.body.dataset.items") == str(len(data["items"]))
    # The page opens on the story from 2024; zoomed out to fit, every event is drawn.
    page.evaluate("window.policykgTimeline.timeline.fit({animation: false})")
    expect(page.locator(".vis-item:is(.vis-box, .vis-range)")).to_have_count(len(data["items"]))
    labels = page.locator(".vis-labelset .vis-label").all_inner_texts()
    assert [label.strip() for label in labels] == [g["label"] for g in data["groups"]]
    undated = page.locator("#pk-undated-list > li")
    expect(undated).to_have_count(len(data["undated"]))
    for item, event in zip(undated.all(), data["undated"], strict=True):
        assert event["label"] in item.inner_text()
        assert event["why"] in item.inner_text()
    assert errors == []
    assert foreign == [], "the page must not fetch anything from another origin"


def test_the_correction_is_on_30_september_2024(
    browser: BrowserContext, timeline_server: HasUrl
) -> None:
    data = api(timeline_server, "/timeline.json")
    page, errors, _ = open_page(browser, timeline_server, "/timeline")
    correction = next(i for i in data["items"] if i["kind"] == "correction")
    assert correction["start"] == "2024-09-30"
    published = next(
        i for i in data["items"] if i["kind"] == "publication" and i["start"] == "2024-09-18"
    )
    later = min(
        (i for i in data["items"] if i["start"] > "2024-09-30" and not i["end"]),
        key=lambda i: i["start"],
    )
    drawn = box(page, correction)
    expect(drawn).to_be_visible()
    expect(drawn).to_contain_text(correction["label"])
    # Drawn in date order along the axis: after the article of 18 September, before the
    # next event.
    assert start_x(box(page, published)) < start_x(drawn) < start_x(box(page, later))

    drawn.click()
    panel = page.locator("#pk-panel")
    expect(panel).to_have_attribute("data-item", correction["id"])
    expect(panel.locator("#pk-when")).to_have_text(long_date("2024-09-30"))
    links = panel.locator("a[href^='/claim/']")
    expect(links).to_have_count(len(correction["claims"]))
    base = "https://w3id.org/policykg"
    assert [a.get_attribute("href") for a in links.all()] == [
        c.removeprefix(base) for c in correction["claims"]
    ]
    shot = os.environ.get("POLICYKG_TIMELINE_SCREENSHOT")
    if shot:
        page.mouse.move(10, 700)  # no tooltip over the picture
        page.wait_for_timeout(300)
        page.screenshot(path=shot)
    assert errors == []


def test_periods_and_imprecise_dates_are_ranges(
    browser: BrowserContext, timeline_server: HasUrl
) -> None:
    data = api(timeline_server, "/timeline.json")
    page, errors, _ = open_page(browser, timeline_server, "/timeline")
    week = next(i for i in data["items"] if i["precision"] == "week")
    drawn = box(page, week)
    assert "vis-range" in (drawn.get_attribute("class") or "")
    assert "pk-imprecise" in (drawn.get_attribute("class") or "")
    expect(drawn).to_contain_text("week")
    drawn.click()
    expect(page.locator("#pk-when")).to_contain_text(f"the week of {long_date(week['start'])}")
    period = next(i for i in data["items"] if i["kind"] == "period" and not i["end"])
    drawn = box(page, period)
    assert "vis-range" in (drawn.get_attribute("class") or "")
    assert "pk-open-ended" in (drawn.get_attribute("class") or "")
    points = [i for i in data["items"] if i["kind"] != "period" and i["precision"] == "day"]
    for item in points:
        assert "vis-box" in (box(page, item).first.get_attribute("class") or ""), item["id"]
    assert errors == []
