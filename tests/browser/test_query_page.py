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
    assert result_rows(page) == [
        ["ex:hooli", "Hooli", f'"2024-03-10"^^<{XSD_DATE}>'],
        ["ex:initech", "Initech", f'"2025-01-20"^^<{XSD_DATE}>'],
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
    assert result_rows(page) == [["ex:initech", "Initech", f'"2025-01-20"^^<{XSD_DATE}>']]
    assert errors == []
