"""The query page in headless Chromium: loads cleanly, runs a named query, shows its rows."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext

from .conftest import Server
from .pages import open_page, result_headers, result_rows

pytestmark = [pytest.mark.browser, pytest.mark.server]

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def test_page_lists_named_queries_and_runs_one(browser: BrowserContext, server: Server) -> None:
    page, errors, foreign = open_page(browser, server, queries=2)
    titles = page.locator(".pk-query-title").all_inner_texts()
    assert titles == ["All companies", "Companies training on user data"]

    page.click("button[data-query='companies-training']")
    active = page.locator(".tabsList .tab.active")
    assert active.inner_text().splitlines()[0].strip() == "Companies training on user data"
    query = page.evaluate("window.policykgYasgui.getTab().getQuery()")
    assert f'VALUES (?after) {{ ("2024-01-01"^^<{XSD_DATE}>) }}' in query

    with page.expect_response(lambda r: r.url == server.url + "/sparql") as answer:
        page.click(".tabPanel.active .yasqe_queryButton")
    assert answer.value.status == 200
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    # xsd: comes from the server's JSON-LD context; ex:, declared by the query for the
    # namespace the context calls co:, wins over it.
    assert page.evaluate("document.body.dataset.prefixes") == "3"
    assert result_rows(page) == [
        ["ex:hooli", "Hooli", '"2024-03-10"^^xsd:date'],
        ["ex:initech", "Initech", '"2025-01-20"^^xsd:date'],
    ]
    assert result_headers(page) == ["company", "label", "since"]

    assert errors == []
    assert foreign == [], "the page must not fetch anything from another origin"


def test_edited_parameter_changes_the_rows(browser: BrowserContext, server: Server) -> None:
    page, errors, _ = open_page(browser, server, queries=2)
    page.click("button[data-query='companies-training']")
    page.evaluate(
        """() => {
            const tab = window.policykgYasgui.getTab();
            tab.setQuery(tab.getQuery().replace('"2024-01-01"', '"2025-01-01"'));
        }"""
    )
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    assert result_rows(page) == [["ex:initech", "Initech", '"2025-01-20"^^xsd:date']]
    assert errors == []


def test_without_the_context_iris_are_shown_in_full(
    browser: BrowserContext, server: Server
) -> None:
    browser.route("**/context.jsonld", lambda route: route.abort())
    page, errors, _ = open_page(browser, server, queries=2)
    assert page.evaluate("document.body.dataset.prefixes") == "error"
    page.click("button[data-query='companies-training']")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    assert result_rows(page) == [
        ["ex:hooli", "Hooli", f'"2024-03-10"^^<{XSD_DATE}>'],
        ["ex:initech", "Initech", f'"2025-01-20"^^<{XSD_DATE}>'],
    ]
    # The only error is the failed request itself, which Chromium reports on the console.
    assert len(errors) == 1, errors
    assert errors[0].startswith("console: Failed to load resource: net::ERR_FAILED"), errors
    assert f"'url': '{server.url}/context.jsonld'" in errors[0], errors


def test_restored_results_are_shown_with_the_prefixes(
    browser: BrowserContext, server: Server
) -> None:
    page, errors, _ = open_page(browser, server, queries=2)
    page.click("button[data-query='companies-training']")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    # Reloaded, YASGUI draws the stored results at once, perhaps before the context is
    # in; the page redraws them when it arrives.
    page.reload()
    page.wait_for_selector("body[data-queries][data-prefixes]")
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    assert result_rows(page) == [
        ["ex:hooli", "Hooli", '"2024-03-10"^^xsd:date'],
        ["ex:initech", "Initech", '"2025-01-20"^^xsd:date'],
    ]
    assert errors == []
