"""The graph explorer (``/explore``) in headless Chromium, on the real policy graph.

The server is ``policykg serve`` on the graph built from this checkout
(``policy_server``). Every count and claim expected is read from the API the page
reads (``/network``, ``/network/paths``) with the page's own filters.

``scripts/screenshot-explorer`` sets ``POLICYKG_EXPLORER_SCREENSHOT`` to take the
README's picture of the state ``test_the_date_decides_whether_the_eu_is_in_scope`` ends in.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect

from .conftest import Server
from .explorer_pages import (
    HasUrl,
    api,
    click_node,
    drawn,
    drawn_ids,
    hover_edge,
    open_page,
    wait_drawn,
)
from .pages import recording

pytestmark = [pytest.mark.browser, pytest.mark.server]

ID = "https://w3id.org/policykg/id/"
DPV = "https://w3id.org/dpv#"
PKG = "https://w3id.org/policykg/ontology#"
EU = "https://w3id.org/dpv/loc#EU"
LINKEDIN = ID + "linkedin"
EU_IN_SCOPE = f"{ID}linkedin-genai-training-eu|{DPV}hasJurisdiction|{EU}"
EU_EXCLUDED = f"{ID}linkedin-genai-training|{PKG}excludesJurisdiction|{EU}"
SVG = "{http://www.w3.org/2000/svg}"
OPENAI_SHARING = f"{ID}linkedin-genai-training|{DPV}hasRecipient|{ID}openai"


@pytest.fixture(scope="module")
def explorer_server(policy_server: Server) -> HasUrl:
    """The server the tests drive: ``policykg serve`` on the real policy graph."""
    return policy_server


def network(server: HasUrl, query: str = "") -> tuple[set[str], set[str], dict[str, Any]]:
    """The node ids, edge ids and edges by id of ``/network?query``."""
    view = api(server, "/network" + (f"?{query}" if query else ""))
    nodes = {n["data"]["id"] for n in view["elements"]["nodes"]}
    edges = {e["data"]["id"]: e["data"] for e in view["elements"]["edges"]}
    assert view["counts"] == {"nodes": len(nodes), "edges": len(edges)}
    return nodes, set(edges), edges


def page_query(page: Page) -> str:
    return urllib.parse.urlsplit(page.url).query


def network_query(page: Page) -> str:
    """The /network query string of the page's current view."""
    query: str = page.evaluate("window.PolicykgExplore.networkQuery(window.policykgExplorer.state)")
    return query


def assert_drawn_as_api(page: Page, server: HasUrl) -> None:
    """What is on the canvas is exactly what /network answers for the page's filters."""
    nodes, edges, _ = network(server, network_query(page))
    assert drawn_ids(page) == (nodes, edges)
    assert page.evaluate("[document.body.dataset.nodes, document.body.dataset.edges]") == [
        str(len(nodes)),
        str(len(edges)),
    ]


def test_explorer_loads_cleanly_and_draws_what_the_api_answers(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    page, errors, foreign = open_page(browser, explorer_server, "/explore")
    nodes, edges, _ = network(explorer_server)
    assert len(edges) > 0
    assert drawn_ids(page) == (nodes, edges)
    expect(page.locator("#pk-status")).to_have_text(f"{len(nodes)} nodes, {len(edges)} edges")
    assert page_query(page) == ""
    # The legend names every type, each with its colour and shape.
    assert page.locator("#pk-types input").count() == 13
    assert errors == []
    assert foreign == [], "the page must not fetch anything from another origin"


def test_each_filter_changes_the_drawing_as_the_api_says(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    whole = drawn_ids(page)
    steps = [
        ("stance", lambda: page.locator("#pk-stances input[value='asserted']").uncheck()),
        ("type", lambda: page.locator("#pk-types input[value='person']").uncheck()),
        ("source", lambda: page.locator("#pk-sources input").first.uncheck()),
        ("jurisdiction", lambda: page.select_option("#pk-jurisdiction", EU)),
    ]
    for name, act in steps:
        before = drawn(page)
        act()
        wait_drawn(page, before)
        assert name in urllib.parse.parse_qs(page_query(page)), name
        assert_drawn_as_api(page, explorer_server)
    assert drawn_ids(page) != whole
    params = urllib.parse.parse_qs(page_query(page))
    assert params["stance"] == ["reported", "alleged", "denied", "inferred"]
    assert "person" not in params["type"]
    assert params["jurisdiction"] == [EU]
    assert errors == []


def test_the_date_decides_whether_the_eu_is_in_scope(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    before = drawn(page)
    page.check("#pk-asof-on")
    wait_drawn(page, before)
    before = drawn(page)
    page.fill("#pk-asof-date", "2024-10-01")
    wait_drawn(page, before)
    assert "as_of=2024-10-01" in page_query(page)
    assert_drawn_as_api(page, explorer_server)
    edges = drawn_ids(page)[1]
    assert EU_EXCLUDED in edges
    assert EU_IN_SCOPE not in edges

    before = drawn(page)
    page.fill("#pk-asof-date", "2025-11-10")
    wait_drawn(page, before)
    assert "as_of=2025-11-10" in page_query(page)
    assert_drawn_as_api(page, explorer_server)
    after_edges = drawn_ids(page)[1]
    assert EU_IN_SCOPE in after_edges
    assert EU_IN_SCOPE not in edges
    expect(page.locator("#pk-status")).to_contain_text("as of 2025-11-10")

    # The slider moves the date too: to its end, 2025-12-31.
    before = drawn(page)
    page.focus("#pk-asof-slider")
    page.keyboard.press("End")
    wait_drawn(page, before)
    assert "as_of=2025-12-31" in page_query(page)
    assert page.input_value("#pk-asof-date") == "2025-12-31"
    assert_drawn_as_api(page, explorer_server)

    before = drawn(page)
    page.fill("#pk-asof-date", "2025-11-10")
    wait_drawn(page, before)
    # Reloaded, the view comes back from the URL, laid out afresh.
    page.reload()
    page.wait_for_selector("body[data-drawn]")
    assert_drawn_as_api(page, explorer_server)
    assert EU_IN_SCOPE in drawn_ids(page)[1]
    # The 2025 practice and what is one step from it on that day.
    click_node(page, ID + "linkedin-genai-training-eu")
    expect(page.locator("#pk-panel")).to_be_visible()
    before = drawn(page)
    page.select_option("#pk-depth", "1")
    page.click("#pk-panel button:text('Neighbourhood')")
    wait_drawn(page, before)
    assert_drawn_as_api(page, explorer_server)
    assert EU_IN_SCOPE in drawn_ids(page)[1]
    shot = os.environ.get("POLICYKG_EXPLORER_SCREENSHOT")
    if shot:
        page.wait_for_timeout(300)
        page.screenshot(path=shot)
    assert errors == []


def test_corrected_claims_are_hidden_then_drawn_struck_through(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    assert OPENAI_SHARING not in drawn_ids(page)[1]
    before = drawn(page)
    page.check("#pk-corrected")
    wait_drawn(page, before)
    assert "include_corrected=true" in page_query(page)
    assert_drawn_as_api(page, explorer_server)
    _, _, edges = network(explorer_server, "include_corrected=true")
    assert edges[OPENAI_SHARING]["corrected"] is True
    look = page.evaluate(
        """([id]) => {
            const cy = window.policykgExplorer.cy;
            const edge = cy.getElementById(id);
            const plain = cy.edges().filter((e) => !e.hasClass('corrected')
                && !e.hasClass('disputed'))[0];
            return {classes: edge.classes(), line: edge.style('line-style'),
                    colour: edge.style('line-color'), caption: edge.style('label'),
                    plainLine: plain.style('line-style'), plainColour: plain.style('line-color')};
        }""",
        [OPENAI_SHARING],
    )
    assert "corrected" in look["classes"]
    assert look["line"] == "dotted"
    assert look["plainLine"] == "solid"
    assert look["colour"] != look["plainColour"]
    assert look["caption"] == "".join(c + "\u0336" for c in "hasRecipient")

    hover_edge(page, OPENAI_SHARING)
    tip = page.locator("#pk-tip")
    expect(tip).to_be_visible()
    claim = edges[OPENAI_SHARING]["claims"][0]
    expect(tip).to_contain_text(claim["quote"])
    expect(tip).to_contain_text(claim["source_label"])
    expect(tip.locator(".pk-badge-corrected").first).to_be_visible()
    assert tip.locator("li.pk-corrected").count() == 1
    assert errors == []


def test_hovering_an_edge_shows_its_claims(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    _, _, edges = network(explorer_server)
    several = max(edges.values(), key=lambda e: (e["count"], e["id"]))
    assert several["count"] > 1
    hover_edge(page, several["id"])
    tip = page.locator("#pk-tip")
    expect(tip).to_be_visible()
    expect(tip.locator(".pk-tip-meta")).to_contain_text(f"{several['count']} claims")
    claims = tip.locator("li.pk-claim")
    expect(claims).to_have_count(len(several["claims"]))
    for item, claim in zip(claims.all(), several["claims"], strict=True):
        text = item.inner_text()
        assert claim["source_label"] in text
        assert claim["stance"] in text
        if claim["quote"]:
            assert claim["quote"] in text
    assert page.evaluate(
        f"window.policykgExplorer.cy.getElementById({several['id']!r}).style('width')"
    ) != page.evaluate(
        "window.policykgExplorer.cy.edges().filter((e) => e.data('count') === 1)[0].style('width')"
    )

    disputed = EU_EXCLUDED
    assert edges[disputed]["disputed"] is True
    hover_edge(page, disputed)
    expect(tip).to_have_attribute("data-edge", disputed)
    expect(tip.locator(".pk-badge-disputed")).to_have_text("sources disagree")
    style = page.evaluate(
        f"window.policykgExplorer.cy.getElementById({disputed!r}).style('line-style')"
    )
    assert style == "dashed"
    assert errors == []


def test_clicking_a_node_opens_its_panel(browser: BrowserContext, explorer_server: HasUrl) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    _, _, edges = network(explorer_server)
    facts = [e for e in edges.values() if LINKEDIN in (e["source"], e["target"])]
    sources = {c["source_label"] for e in facts for c in e["claims"]}
    click_node(page, LINKEDIN)
    panel = page.locator("#pk-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-node", LINKEDIN)
    expect(panel.locator("h2")).to_have_text("LinkedIn")
    expect(panel.locator("#pk-resource-link")).to_have_attribute("href", "/id/linkedin")
    expect(panel.locator(".pk-facts > li")).to_have_count(len(facts))
    assert set(panel.locator(".pk-sources li").all_inner_texts()) == sources
    for word in ("null", "undefined", "[object"):
        assert word not in panel.inner_text()
    assert "selected=" + urllib.parse.quote(LINKEDIN, safe="") in page_query(page)
    page.click("#pk-panel-close")
    expect(panel).to_be_hidden()
    assert "selected" not in page_query(page)
    assert errors == []


def test_search_finds_labels_in_every_language(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    page.fill("#pk-search-input", "nutzer")
    options = page.locator("#pk-search-list li")
    expect(options.first).to_be_visible()
    texts = options.all_inner_texts()
    assert any(t.startswith("Linkedin-Nutzer") for t in texts), texts
    index = next(i for i, t in enumerate(texts) if t.startswith("Linkedin-Nutzer"))
    for _ in range(index + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    panel = page.locator("#pk-panel")
    expect(panel).to_have_attribute("data-node", ID + "linkedin-members")
    expect(panel.locator(".pk-labels")).to_contain_text("LinkedIn-gebruikers (nl)")

    page.fill("#pk-search-input", "europese unie")
    expect(options.first).to_contain_text("Europese Unie")
    options.first.click()
    expect(panel).to_have_attribute("data-node", EU)
    assert errors == []


def test_neighbourhood_depth(browser: BrowserContext, explorer_server: HasUrl) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    click_node(page, LINKEDIN)
    before = drawn(page)
    page.click("#pk-panel button:text('Neighbourhood')")
    wait_drawn(page, before)
    assert network_query(page) == "focus=" + urllib.parse.quote(LINKEDIN, safe="") + "&depth=2"
    assert_drawn_as_api(page, explorer_server)
    two = drawn_ids(page)
    before = drawn(page)
    page.select_option("#pk-depth", "1")
    wait_drawn(page, before)
    assert_drawn_as_api(page, explorer_server)
    one = drawn_ids(page)
    assert one[0] < two[0]
    before = drawn(page)
    page.click("#pk-focus-clear")
    wait_drawn(page, before)
    assert "focus" not in page_query(page)
    assert_drawn_as_api(page, explorer_server)
    assert errors == []


def test_the_url_keeps_the_view(browser: BrowserContext, explorer_server: HasUrl) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    for act in (
        lambda: page.check("#pk-asof-on"),
        lambda: page.fill("#pk-asof-date", "2024-10-01"),
        lambda: page.check("#pk-corrected"),
        lambda: page.locator("#pk-types input[value='product']").uncheck(),
    ):
        before = drawn(page)
        act()
        wait_drawn(page, before)
    click_node(page, LINKEDIN)
    page.select_option("#pk-lang", "de")
    state = page.evaluate("window.policykgExplorer.state")
    ids = drawn_ids(page)
    url = page.url

    again, errors_again, _ = open_page(
        browser, explorer_server, urllib.parse.urlsplit(url).path + "?" + page_query(page)
    )
    assert again.url == url
    assert again.evaluate("window.policykgExplorer.state") == state
    assert drawn_ids(again) == ids
    assert again.is_checked("#pk-asof-on")
    assert again.input_value("#pk-asof-date") == "2024-10-01"
    assert again.is_checked("#pk-corrected")
    assert not again.is_checked("#pk-types input[value='product']")
    assert again.input_value("#pk-lang") == "de"
    expect(again.locator("#pk-panel")).to_have_attribute("data-node", LINKEDIN)
    assert errors == []
    assert errors_again == []


def test_a_path_is_drawn_with_its_claims(browser: BrowserContext, explorer_server: HasUrl) -> None:
    start, end = ID + "openai", ID + "linkedin-members"
    page, errors, _ = open_page(browser, explorer_server, "/explore")
    click_node(page, start)
    page.click("#pk-path-from")
    expect(page.locator("#pk-path")).to_contain_text("pick another node")
    click_node(page, end)
    page.click("#pk-path-to")
    query = urllib.parse.urlencode({"from": start, "to": end, "k": 3})
    paths = api(explorer_server, "/network/paths?" + query)["paths"]
    assert paths, "the API finds a path"
    steps = paths[0]["steps"]
    box = page.locator("#pk-path")
    expect(box).to_have_attribute("data-steps", str(len(steps)))
    items = box.locator(".pk-steps > li")
    expect(items).to_have_count(len(steps))
    for item, step in zip(items.all(), steps, strict=True):
        text = item.inner_text()
        assert step["label"] in text
        for claim in step["claims"]:
            assert claim["source_label"] in text
            if claim["quote"]:
                assert claim["quote"] in text
    highlighted = set(
        page.evaluate("window.policykgExplorer.cy.edges('.on-path').map((e) => e.id())")
    )
    expected = {
        f"{s['from']}|{s['property']}|{s['to']}"
        if s["direction"] == "forward"
        else f"{s['to']}|{s['property']}|{s['from']}"
        for s in steps
    }
    assert highlighted == expected
    params = urllib.parse.parse_qs(page_query(page))
    assert params["from"] == [start]
    assert params["to"] == [end]
    assert errors == []


def test_exports_of_the_view(
    browser: BrowserContext, explorer_server: HasUrl, tmp_path: Path
) -> None:
    page, errors, _ = open_page(browser, explorer_server, "/explore?as_of=2024-10-01")
    nodes, edges = drawn_ids(page)
    href = page.get_attribute("#pk-graphml", "href")
    assert href == "network?as_of=2024-10-01&format=graphml"
    assert page.get_attribute("#pk-gexf", "href") == "network?as_of=2024-10-01&format=gexf"
    graphml = tmp_path / "view.graphml"
    with page.expect_download() as download:
        page.click("#pk-graphml")
    download.value.save_as(graphml)
    graph = nx.read_graphml(graphml)
    assert set(graph.nodes) == nodes
    assert graph.number_of_edges() == len(edges)

    with page.expect_download() as download:
        page.click("#pk-png")
    assert download.value.suggested_filename == "policykg-view.png"
    png = tmp_path / "view.png"
    download.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    with page.expect_download() as download:
        page.click("#pk-svg")
    svg = tmp_path / "view.svg"
    download.value.save_as(svg)
    root = ElementTree.parse(svg).getroot()  # noqa: S314 - written by our own page
    assert root.tag == SVG + "svg"
    drawn_svg = {
        kind: {e.get("data-id") for e in root.iter() if e.get("class") == f"pk-{kind}"}
        for kind in ("node", "edge")
    }
    assert (drawn_svg["node"], drawn_svg["edge"]) == (nodes, edges)
    counts = [
        sum(1 for e in root.iter() if e.get("class") == f"pk-{kind}") for kind in ("node", "edge")
    ]
    assert counts == [len(nodes), len(edges)]
    assert errors == []


def test_the_first_drawing_reads_no_claims_and_an_edge_still_shows_its_quote(
    browser: BrowserContext, explorer_server: HasUrl
) -> None:
    """The page draws from the compact view (no claims); the claims come afterwards from
    /network/claims under the same filters, so hovering an edge shows its quote, source
    and stance. On 2024-09-20 Tweakers' claim that LinkedIn shares the data with OpenAI
    was not yet corrected."""
    page, errors, foreign = recording(browser, explorer_server.url)
    asked: list[Response] = []
    page.on("response", lambda r: asked.append(r) if "/network" in r.url else None)
    page.goto(explorer_server.url + "/explore?as_of=2024-09-20")
    page.wait_for_selector("body[data-drawn], body[data-error]")
    assert page.evaluate("document.body.dataset.error") is None, errors
    first = urllib.parse.urlsplit(asked[0].url)
    assert (first.path, first.query) == ("/network", "as_of=2024-09-20&format=compact")
    compact = asked[0].json()
    assert compact == api(explorer_server, "/network?as_of=2024-09-20&format=compact")
    assert "claims" not in json.dumps(compact)
    read = [urllib.parse.urlsplit(r.url) for r in asked[1:]]
    assert ("/network/claims", "as_of=2024-09-20") in [(r.path, r.query) for r in read]
    assert ("/network/catalogue", "") in [(r.path, r.query) for r in read]
    assert_drawn_as_api(page, explorer_server)

    _, _, edges = network(explorer_server, "as_of=2024-09-20")
    claims = edges[OPENAI_SHARING]["claims"]
    assert not edges[OPENAI_SHARING]["corrected"]
    hover_edge(page, OPENAI_SHARING)
    tip = page.locator("#pk-tip")
    expect(tip).to_have_attribute("data-edge", OPENAI_SHARING)
    items = tip.locator("li.pk-claim")
    expect(items).to_have_count(len(claims))
    for item, claim in zip(items.all(), claims, strict=True):
        assert claim["quote"]
        expect(item.locator("q")).to_have_text(claim["quote"])
        expect(item).to_contain_text(claim["source_label"])
        expect(item.locator(".pk-stance")).to_have_text(claim["stance"])
    assert errors == []
    assert foreign == []
