"""The query page on the real policy graph: a named query's rows, before and after an edit.

The server is ``policykg serve`` on the graph built from this checkout's ``ontology/``
and ``graph/`` (into a temporary ``POLICYKG_DIST``), with its ``queries/``. The test
opens ``status-as-of`` from the sidebar, runs it as opened (the defaults: loc:EU on
2024-10-01), then types another date into the VALUES block and runs it again. The
result table writes IRIs with the prefixes of the server's JSON-LD context
(``/context.jsonld``, from ``ontology/context.jsonld``): ``loc:EU``, ``id:…``,
``claim:…``, ``src:…`` and ``"…"^^xsd:date``; all eight columns fit a 1280 px window.

``scripts/screenshot`` sets ``POLICYKG_SCREENSHOT`` to take the README's picture of
the final state.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import Server
from .pages import cut_cells, open_page, result_headers, result_rows

pytestmark = [pytest.mark.browser, pytest.mark.server]

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
EU = "<https://w3id.org/dpv/loc#EU>"  # in the query text
COLUMNS = ["jurisdiction", "date", "practice", "status", "since", "basis", "claim", "source"]


def date(day: str) -> str:
    """An xsd:date as the query text writes it."""
    return f'"{day}"^^<{XSD_DATE}>'


def shown(day: str) -> str:
    """An xsd:date as the result table shows it."""
    return f'"{day}"^^xsd:date'


def values_line(page: Page) -> str:
    """The line of the editor's query holding the parameters' VALUES block."""
    query: str = page.evaluate("window.policykgYasgui.getTab().getQuery()")
    lines = [line.strip() for line in query.splitlines() if "VALUES (?jurisdiction" in line]
    assert len(lines) == 1, query
    return lines[0]


def run(page: Page, server: Server, rows: int) -> list[list[str]]:
    """Run the active tab's query with its ▶ button; the table once it has ``rows`` rows."""
    with page.expect_response(lambda r: r.url == server.url + "/sparql") as answer:
        page.click(".tabPanel.active .yasqe_queryButton")
    assert answer.value.status == 200
    body = page.locator(".tabPanel.active .yasr_results table.dataTable tbody tr")
    expect(body).to_have_count(rows)
    expect(page.locator(".tabPanel.active .yasr_response_chip")).to_contain_text(f"{rows} result")
    assert result_headers(page) == COLUMNS
    return result_rows(page)


def status(rows: list[list[str]]) -> list[tuple[str, ...]]:
    """Each row's jurisdiction, date, practice, status, since, basis and claim.

    The source column is checked apart: its IRI ends in a hash of the source's text, so
    only its form is checked, and that it is the source the claim's number names.
    """
    for row in rows:
        seed = row[6].removeprefix("claim:").split("/")[0]  # claim:004/… is from src:004_…
        assert re.fullmatch(rf"src:{seed}_[0-9a-f]{{16}}", row[7]), row
    return [tuple(row[:7]) for row in rows]


def type_date(page: Page, old: str, new: str) -> None:
    """Select ``old`` in the editor's VALUES block and type ``new`` over it, as a reader would."""
    found = page.evaluate(
        """([old]) => {
            const yasqe = window.policykgYasgui.getTab().getYasqe();
            const lines = yasqe.getValue().split("\\n");
            const line = lines.findIndex((text) => text.includes("VALUES (?jurisdiction"));
            const ch = line < 0 ? -1 : lines[line].indexOf(old);
            if (ch < 0) return false;
            yasqe.focus();
            yasqe.setSelection({ line, ch }, { line, ch: ch + old.length });
            return true;
        }""",
        [old],
    )
    assert found, f"{old} not found in the VALUES block"
    page.keyboard.type(new)


def test_status_as_of_on_the_policy_graph(browser: BrowserContext, policy_server: Server) -> None:
    page, errors, foreign = open_page(browser, policy_server)
    button = page.locator("button[data-query='status-as-of']")
    expect(button.locator(".pk-query-title")).to_have_text(
        "Status of each practice for a jurisdiction on a date"
    )
    button.click()
    active = page.locator(".tabsList .tab.active")
    expect(active).to_contain_text("Status of each practice for a jurisdiction on a date")
    assert values_line(page) == f"VALUES (?jurisdiction ?date) {{ ({EU} {date('2024-10-01')}) }}"

    # As opened, nothing edited: the defaults, loc:EU on 2024-10-01. Source 000 (18 September
    # 2024) states no period: what it says is known from its date on.
    reported = (shown("2024-09-18"), "reported")
    assert status(run(page, policy_server, rows=3)) == [
        ("loc:EU", shown("2024-10-01"), "id:linkedin-genai-training", "excluded", *reported,
         "claim:000/eu-excluded"),
        ("loc:EU", shown("2024-10-01"), "id:meta-llama-training", "excluded", *reported,
         "claim:000/meta-stopped-eu"),
        ("loc:EU", shown("2024-10-01"), "id:x-grok-training", "excluded", *reported,
         "claim:000/x-stopped-eu"),
    ]  # fmt: skip

    # Another day, typed into the VALUES block: LinkedIn's EU practice has started.
    type_date(page, "2024-10-01", "2025-11-10")
    assert values_line(page) == f"VALUES (?jurisdiction ?date) {{ ({EU} {date('2025-11-10')}) }}"
    assert status(run(page, policy_server, rows=4)) == [
        (
            "loc:EU",
            shown("2025-11-10"),
            "id:linkedin-genai-training",
            "excluded",
            *reported,
            "claim:000/eu-excluded",
        ),
        (
            "loc:EU",
            shown("2025-11-10"),
            "id:linkedin-genai-training-eu",
            "in scope",
            shown("2025-11-03"),
            "stated",
            "claim:004/eu-included",
        ),
        (
            "loc:EU",
            shown("2025-11-10"),
            "id:meta-llama-training",
            "excluded",
            *reported,
            "claim:000/meta-stopped-eu",
        ),
        (
            "loc:EU",
            shown("2025-11-10"),
            "id:x-grok-training",
            "excluded",
            *reported,
            "claim:000/x-stopped-eu",
        ),
    ]

    # With prefixed IRIs all eight columns fit the 1280 px window, every cell whole.
    assert cut_cells(page) == []

    # A wider table would scroll inside its panel; the page itself never scrolls sideways.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
    if shot := os.environ.get("POLICYKG_SCREENSHOT"):  # scripts/screenshot
        page.mouse.move(0, 0)
        page.screenshot(path=Path(shot))

    assert errors == []
    assert foreign == [], "the page must not fetch anything from another origin"
