"""An entity's page links out to each Wikidata item docs/wikidata.md lists for it, and to no other."""

from __future__ import annotations

import re
from collections import defaultdict

from fastapi.testclient import TestClient

from policykg.settings import Settings
from tests.test_wikidata import documented_links

WD = "http://www.wikidata.org/entity/"


def test_each_page_links_out_to_exactly_its_documented_items(policy_client: TestClient) -> None:
    base = Settings().base_iri + "id/"
    items: dict[str, set[str]] = defaultdict(set)
    for entity, _, item in documented_links():
        if entity.startswith(base):
            items[entity.removeprefix(base)].add(item)
    assert items
    for name in [*items, "forbes"]:
        response = policy_client.get(f"/id/{name}.html")
        assert response.status_code == 200, name
        shown = set(
            re.findall(
                r'href="(http://www\.wikidata\.org/entity/Q\d+)" rel="external"', response.text
            )
        )
        assert (name, shown) == (name, items.get(name, set()))
