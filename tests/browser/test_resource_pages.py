"""Resource pages in headless Chromium on the real policy graph.

What each page must show is read from the graph itself (PolicyGraph on the same sources),
never typed in: the LinkedIn page lists every claim about LinkedIn with its source and
quote; the corrected OpenAI claim is struck through with its correction; the claim of
the EU exclusion shows each source's version of the excluded jurisdictions; clicking a
claim, a source and an ontology term lands on their pages; a result IRI of the query page
opens its page; no page logs a console error.

``scripts/screenshot`` sets ``POLICYKG_LINKEDIN_SCREENSHOT`` to save the LinkedIn page.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from policykg.kg import PolicyGraph

from .conftest import Server
from .pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

BASE = "https://w3id.org/policykg/"
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX id: <https://w3id.org/policykg/id/>
"""


@pytest.fixture(scope="module")
def graph() -> PolicyGraph:
    return PolicyGraph.load()


@pytest.fixture
def visit(browser: BrowserContext, policy_server: Server) -> Iterator[tuple[Page, list[str]]]:
    """A page recording console errors; the test fails if any was logged."""
    page = browser.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} @ {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    yield page, errors
    assert errors == []


def go(page: Page, server: Server, path: str) -> None:
    response = page.goto(server.url + path)
    assert response is not None
    assert response.status == 200, path


def local(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def test_linkedin_page_shows_its_claims_with_sources_and_quotes(
    visit: tuple[Page, list[str]], policy_server: Server, graph: PolicyGraph
) -> None:
    page, _ = visit
    go(page, policy_server, "/id/linkedin")
    expect(page.locator("h1")).to_have_text("LinkedIn")
    rows = graph.select(
        PREFIXES
        + """SELECT ?claim ?publisher (SAMPLE(?q) AS ?quote) WHERE {
          ?claim a pkg:Claim ; rdf:subject id:linkedin ; prov:wasDerivedFrom ?src .
          ?src schema:publisher/rdfs:label ?publisher .
          OPTIONAL { ?claim pkg:quote ?q } } GROUP BY ?claim ?publisher"""
    )
    assert len(rows) > 0
    facts = page.locator("#pk-facts-h + * , section[aria-labelledby='pk-facts-h']")
    expect(facts.first).to_be_visible()
    for row in rows:
        claim = page.locator(
            f"section[aria-labelledby='pk-facts-h'] .pk-claim[data-claim='{row['claim']}']"
        )
        expect(claim).to_have_count(1)
        expect(claim.locator(".pk-says")).to_contain_text(str(row["publisher"]))
        if row["quote"]:
            expect(claim.locator(".pk-quote").first).to_have_text(str(row["quote"]))
    if path := os.environ.get("POLICYKG_LINKEDIN_SCREENSHOT"):
        page.screenshot(path=str(Path(path)), full_page=False)


def test_corrected_openai_claim_is_shown_with_its_correction(
    visit: tuple[Page, list[str]], policy_server: Server, graph: PolicyGraph
) -> None:
    page, _ = visit
    rows = graph.select(
        PREFIXES
        + """PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?claim ?practice ?correction ?date ?replacement WHERE {
          ?claim rdf:object id:openai ; rdf:subject ?practice ;
                 prov:wasInvalidatedBy ?correction .
          ?correction dct:date ?date ; pkg:replacedBy ?replacement }"""
    )
    assert len(rows) == 1
    row = rows[0]
    go(page, policy_server, local(str(row["claim"])))
    card = page.locator(f"#pk-claim-h ~ .pk-claim[data-claim='{row['claim']}']")
    expect(card).to_have_class("pk-claim pk-corrected")
    expect(card.locator(".pk-status")).to_have_text("Corrected")
    expect(card.locator(".pk-triple")).to_have_css("text-decoration-line", "line-through")
    correction = card.locator(".pk-correction")
    expect(correction).to_contain_text(f"on {row['date']}")
    expect(correction.locator(f"a[href='{local(str(row['correction']))}']")).to_have_count(1)
    expect(correction.locator(f"a[href='{local(str(row['replacement']))}']")).to_have_count(1)
    # On the practice's page, OpenAI as a recipient is struck through too.
    go(page, policy_server, local(str(row["practice"])))
    struck = page.locator(f".pk-fact.pk-corrected del a[href='{local(BASE + 'id/openai')}']")
    expect(struck).to_have_count(1)


def test_eu_exclusion_shows_the_sources_disagreement(
    visit: tuple[Page, list[str]], policy_server: Server, graph: PolicyGraph
) -> None:
    page, _ = visit
    rows = graph.select(
        PREFIXES
        + """SELECT ?title (GROUP_CONCAT(?label; separator="|") AS ?labels) WHERE {
          <https://w3id.org/policykg/claim/000/eu-excluded> rdf:subject ?practice ;
              rdf:predicate ?property .
          ?claim rdf:subject ?practice ; rdf:predicate ?property ; rdf:object ?place ;
              prov:wasDerivedFrom ?src .
          FILTER NOT EXISTS { ?claim prov:wasInvalidatedBy ?any }
          ?src <http://purl.org/dc/terms/title> ?title .
          ?place <http://www.w3.org/2004/02/skos/core#prefLabel> ?label .
          FILTER(LANG(?label) = "en") } GROUP BY ?title ORDER BY ?title"""
    )
    assert len(rows) == 3
    go(page, policy_server, "/claim/000/eu-excluded")
    group = page.locator("section[aria-labelledby='pk-siblings-h'] .pk-group.pk-disputed")
    expect(group.locator(".pk-flag")).to_have_text("sources disagree")
    table = group.locator("table.pk-versions tbody tr")
    expect(table).to_have_count(len(rows))
    shown = {}
    for i in range(len(rows)):
        cells = table.nth(i).locator("td")
        source = cells.nth(0).locator("a").first.inner_text()
        shown[source] = sorted(cells.nth(1).locator(":scope > a:not(.pk-ext)").all_inner_texts())
    assert shown == {str(r["title"]): sorted(str(r["labels"]).split("|")) for r in rows}


def test_clicks_land_on_claim_source_and_ontology_pages(
    visit: tuple[Page, list[str]], policy_server: Server
) -> None:
    page, _ = visit
    go(page, policy_server, "/id/linkedin")
    link = page.locator("a.pk-claim-link[href='/claim/000/linkedin-owned-by-microsoft']").first
    link.click()
    page.wait_for_url(policy_server.url + "/claim/000/linkedin-owned-by-microsoft")
    expect(page.locator(".pk-kind-claim")).to_have_count(1)

    page.locator("#pk-claim-h ~ .pk-claim .pk-says a[href^='/source/']").first.click()
    page.wait_for_url(policy_server.url + "/source/000_d336fba75509138b")
    expect(page.locator(".pk-kind-source h1")).to_contain_text("LinkedIn")
    paragraphs = page.locator(".pk-source-claims > li").count()
    assert paragraphs > 1

    page.locator(".pk-stance a[href='/ontology#Asserted']").first.click()
    page.wait_for_url(policy_server.url + "/ontology#Asserted")
    expect(page.locator("section#Asserted h2")).to_contain_text("Asserted")


def test_query_result_iri_opens_its_page(browser: BrowserContext, policy_server: Server) -> None:
    page, errors, _ = open_page(browser, policy_server)
    page.locator("button[data-query='status-as-of']").click()
    with page.expect_response(lambda r: r.url == policy_server.url + "/sparql"):
        page.click(".tabPanel.active .yasqe_queryButton")
    link = page.locator(".tabPanel.active .yasr_results a", has_text="claim:000/eu-excluded")
    expect(link).to_have_attribute("href", "/claim/000/eu-excluded")
    link.click()
    page.wait_for_url(policy_server.url + "/claim/000/eu-excluded")
    expect(page.locator(".pk-kind-claim")).to_have_count(1)
    assert errors == []


def test_home_lists_sources_and_entry_points(
    visit: tuple[Page, list[str]], policy_server: Server, graph: PolicyGraph
) -> None:
    page, _ = visit
    go(page, policy_server, "/home")
    sources = graph.select(PREFIXES + "SELECT ?s WHERE { ?s a schema:NewsArticle }")
    links = page.locator(".pk-sources a[href^='/source/']")
    expect(links).to_have_count(len(sources))
    for path in ("/", "/queries", "/sparql", "/ontology", "/shapes"):
        expect(page.locator(f"#pk-entry-h ~ ul a[href='{path}']")).to_have_count(1)


def test_query_link_opens_the_query_page_with_the_query(
    browser: BrowserContext, policy_server: Server
) -> None:
    page, errors, _ = open_page(browser, policy_server)
    page.goto(policy_server.url + "/id/linkedin")
    page.locator("a.pk-query-link").click()
    page.wait_for_selector("body[data-queries][data-prefixes]")
    query = page.evaluate("window.policykgYasgui.getTab().getQuery()")
    assert "CONSTRUCT" in query
    assert query.rstrip().endswith(f"VALUES $iri {{ <{BASE}id/linkedin> }}")
    with page.expect_response(lambda r: r.url == policy_server.url + "/sparql") as answer:
        page.click(".tabPanel.active .yasqe_queryButton")
    assert answer.value.status == 200
    assert errors == []
