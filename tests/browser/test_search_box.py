"""The search box on the query page: typing a word shows the hits; a click lands on the claim.

The claim's page itself is another module's (linked-data pages); this test checks that the
link leads to the claim's local path.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from policykg.search import search
from policykg.settings import Settings

from .conftest import Server
from .pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

BASE = Settings().base_iri


def test_typing_in_the_search_box_shows_hits_and_a_click_lands_on_the_claim(
    browser: BrowserContext, policy_server: Server, built: tuple[Settings, object]
) -> None:
    expected = search(built[0].store_path, "Verdier", kind="claim").hits
    assert expected
    page, errors, foreign = open_page(browser, policy_server)
    page.fill("form.pk-search input[name=q]", "Verdier")
    page.press("form.pk-search input[name=q]", "Enter")
    page.wait_for_url(f"{policy_server.url}/search?q=Verdier")
    claims = page.locator("#claim a.hit")
    expect(claims).to_have_count(len(expected))
    expect(page.locator("#claim mark").first).to_have_text("Verdier")
    first = expected[0].iri
    assert claims.first.inner_text() == first
    assert errors == []
    assert foreign == []
    claims.first.click()
    page.wait_for_url(f"{policy_server.url}/{first[len(BASE) :]}")
