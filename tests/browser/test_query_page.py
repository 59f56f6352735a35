"""The query page in headless Chromium: loads cleanly, runs a named query, shows its rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request

from .conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.server]

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def result_rows(page: Page) -> list[list[str]]:
    """The active tab's result table, row by row, without the row-number column."""
    cells = page.locator(".tabPanel.active .yasr_results table.dataTable tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText))"
    )
    return [[str(text).strip() for text in row[1:]] for row in cells]


def open_page(browser: BrowserContext, server: Server) -> tuple[Page, list[str], list[str]]:
    """The page at ``/`` with its console errors and off-origin requests being recorded."""
    page = browser.new_page()
    errors: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} @ {message.location}")

    def on_request(request: Request) -> None:
        if not request.url.startswith(server.url + "/"):
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("request", on_request)
    response = page.goto(server.url + "/")
    assert response is not None
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-queries='2']")
    return page, errors, foreign


def test_page_lists_named_queries_and_runs_one(browser: BrowserContext, server: Server) -> None:
    page, errors, foreign = open_page(browser, server)
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
    headers = page.locator(".tabPanel.active .yasr_results thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["", "company", "label", "since"]
    if shot := os.environ.get("POLICYKG_SCREENSHOT"):  # scripts/screenshot
        page.mouse.move(0, 0)
        page.screenshot(path=Path(shot), full_page=True)

    assert errors == []
    assert foreign == [], "the page must not fetch anything from another origin"


def test_edited_parameter_changes_the_rows(browser: BrowserContext, server: Server) -> None:
    page, errors, _ = open_page(browser, server)
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
