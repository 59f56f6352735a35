"""Helpers for driving the query page: open it with error recording, read its result table."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request

from .conftest import Server

__all__ = ["open_page", "result_headers", "result_rows"]


def result_rows(page: Page) -> list[list[str]]:
    """The active tab's result table, row by row, without the row-number column."""
    cells = page.locator(".tabPanel.active .yasr_results table.dataTable tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText))"
    )
    return [[str(text).strip() for text in row[1:]] for row in cells]


def result_headers(page: Page) -> list[str]:
    """The active tab's column headers, without the row-number column."""
    headers = page.locator(".tabPanel.active .yasr_results thead th").all_inner_texts()
    return [h.strip() for h in headers[1:]]


def open_page(
    browser: BrowserContext, server: Server, queries: int | None = None
) -> tuple[Page, list[str], list[str]]:
    """The page at ``/`` with its console errors and off-origin requests being recorded.

    Waits until the named queries are listed; ``queries`` is how many there must be
    (any number but none when not given).
    """
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
    page.wait_for_selector("body[data-queries]")
    listed = page.evaluate("document.body.dataset.queries")
    assert listed != "error", f"the named queries did not load: {errors}"
    if queries is None:
        assert int(listed) > 0
    else:
        assert int(listed) == queries
    return page, errors, foreign
