"""One triple pattern read straight from the store's index: which patterns qualify."""

from __future__ import annotations

from policykg.sparql.lookup import Lookup

E = "http://example.org/"


def test_the_simplest_lookups_skip_the_sparql_engine() -> None:
    lookup = Lookup.plan(
        {"s": f"<{E}s>", "p": "?p", "o": "?o", "projection": "?o ?p", "limit": None}
    )
    assert lookup is not None
    assert lookup.variables == ("o", "p")
    assert lookup.slots == (2, 1)
    for parts in (
        {"s": "<relative>", "p": "?p", "o": "?o", "projection": "*", "limit": None},
        {"s": "e:s", "p": "?p", "o": "?o", "projection": "*", "limit": None},
        {"s": f"<{E}s>", "p": "?p", "o": "'lit'", "projection": "*", "limit": None},
        {"s": f"<{E}s>", "p": "?p", "o": "?o", "projection": "?o ?o", "limit": None},
    ):
        assert Lookup.plan(parts) is None  # the SPARQL engine answers these
