"""A first visit to the query page: it opens on a named query with its parameter
explained, runs it, and completes the graph's classes and properties without the network."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from .conftest import Server
from .pages import open_page, result_rows

pytestmark = [pytest.mark.browser, pytest.mark.server]

EX = "https://example.org/policykg-ui-test/"


def _hints(page: Page, query: str) -> list[str]:
    """The completions YASQE offers with the cursor at the end of ``query``."""
    page.evaluate(
        """(query) => {
            const yasqe = window.policykgYasgui.getTab().getYasqe();
            yasqe.setValue(query);
            yasqe.focus();
            yasqe.getDoc().setCursor(yasqe.getDoc().lastLine(), 1e9);
            yasqe.autocomplete();
        }""",
        query,
    )
    page.wait_for_selector(".CodeMirror-hints .CodeMirror-hint")
    hints: list[str] = page.locator(".CodeMirror-hints .CodeMirror-hint").all_inner_texts()
    page.keyboard.press("Escape")
    return [h.strip() for h in hints]


def test_opens_on_a_named_query_and_runs_it(browser: BrowserContext, server: Server) -> None:
    page, errors, foreign = open_page(browser, server, queries=2)
    page.wait_for_selector("body[data-opened]")
    assert page.evaluate("document.body.dataset.opened") == "companies-training"
    tabs = page.locator(".tabsList .tab").all_inner_texts()
    assert [t.splitlines()[0].strip() for t in tabs] == ["Companies training on user data"]
    query = page.evaluate("window.policykgYasgui.getTab().getQuery()")
    assert "# ?after (xsd:date): only policies in force after this day\n" in query
    assert "SELECT * WHERE" not in query
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    assert [row[0] for row in result_rows(page)] == ["ex:hooli", "ex:initech"]
    assert errors == []
    assert foreign == []


def test_completes_the_graph_s_classes_and_properties_offline(
    browser: BrowserContext, server: Server
) -> None:
    page, errors, foreign = open_page(browser, server, queries=2)
    declared = f"PREFIX ex: <{EX}>\nSELECT * WHERE {{ ?s a ex:Co"
    assert _hints(page, declared) == ["ex:Company"]
    # co: is only in /context.jsonld, not declared by the query
    assert _hints(page, "SELECT * WHERE { ?s co:tr") == ["co:trainsOnUserData"]
    assert errors == []
    assert foreign == [], "completion must not ask anything of another origin"


def test_a_query_without_prefix_lines_runs_on_the_page(
    browser: BrowserContext, server: Server
) -> None:
    page, errors, _ = open_page(browser, server, queries=2)
    page.evaluate(
        """() => { window.policykgYasgui.getTab().setQuery(
            'SELECT ?label WHERE { ?c rdfs:label ?label } ORDER BY ?label'); }"""
    )
    with page.expect_response(lambda r: r.url == server.url + "/sparql") as answer:
        page.click(".tabPanel.active .yasqe_queryButton")
    assert answer.value.status == 200
    page.wait_for_selector(".tabPanel.active .yasr_results table.dataTable tbody tr")
    assert [row[0] for row in result_rows(page)] == ["Acme Corp", "Globex", "Hooli", "Initech"]
    assert errors == []
