"""Helpers for driving the query page: open it with error recording, read its result table."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request

from .conftest import Server

__all__ = ["cut_cells", "open_page", "recording", "result_headers", "result_rows"]


def recording(browser: BrowserContext, origin: str) -> tuple[Page, list[str], list[str]]:
    """A new page recording its console errors and its requests that leave ``origin``."""
    page = browser.new_page()
    errors: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} @ {message.location}")

    def on_request(request: Request) -> None:
        if not request.url.startswith(origin + "/"):
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("request", on_request)
    return page, errors, foreign


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


def cut_cells(page: Page) -> list[str]:
    """Cells of the active tab's table, headers included, not shown whole in the window.

    A cell is cut when it reaches beyond the results panel or the window (so one must
    scroll to see it), or when its text is wider than its box (cut off with an ellipsis).
    """
    cut: list[str] = page.evaluate(
        """() => {
            const panel = document.querySelector(".tabPanel.active .yasr_results")
                .getBoundingClientRect();
            const right = Math.min(panel.right, window.innerWidth);
            const cells = document.querySelectorAll(
                ".tabPanel.active .yasr_results table.dataTable :is(thead th, tbody td)");
            return Array.from(cells).filter((cell) => {
                const box = cell.getBoundingClientRect();
                const inner = cell.firstElementChild || cell;
                return box.left < panel.left - 0.5 || box.right > right + 0.5
                    || inner.scrollWidth > inner.clientWidth;
            }).map((cell) => cell.innerText.trim());
        }"""
    )
    return cut


def open_page(
    browser: BrowserContext, server: Server, queries: int | None = None
) -> tuple[Page, list[str], list[str]]:
    """The page at ``/`` with its console errors and off-origin requests being recorded.

    Waits until the named queries are listed and the JSON-LD context's prefixes are
    in (or failed: ``body[data-prefixes="error"]``); ``queries`` is how many there
    must be (any number but none when not given).
    """
    page, errors, foreign = recording(browser, server.url)
    response = page.goto(server.url + "/")
    assert response is not None
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-queries][data-prefixes]")
    listed = page.evaluate("document.body.dataset.queries")
    assert listed != "error", f"the named queries did not load: {errors}"
    if queries is None:
        assert int(listed) > 0
    else:
        assert int(listed) == queries
    return page, errors, foreign
