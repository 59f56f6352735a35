"""Filters: every parameter checked by its type, with an error naming it."""

from __future__ import annotations

import datetime as dt

import pytest

from policykg.errors import BadRequest
from policykg.network.filters import Filters

from .support import ID, LOC, SRC, TWEAKERS


def test_values_are_parsed_and_echoed() -> None:
    filters = Filters.parse([
        ("as_of", "2025-11-10"), ("source", TWEAKERS), ("source", "src:" + TWEAKERS),
        ("type", "practice"), ("type", "organisation"), ("jurisdiction", "loc:NL"),
        ("stance", "reported"), ("include_corrected", "true"), ("focus", "id:openai"),
    ])  # fmt: skip
    assert filters == Filters(
        as_of=dt.date(2025, 11, 10), sources=(SRC + TWEAKERS,), types=("organisation", "practice"),
        jurisdiction=LOC + "NL", stances=("reported",), include_corrected=True, focus=ID + "openai",
    )  # fmt: skip
    assert filters.to_json() == {
        "as_of": "2025-11-10", "source": [SRC + TWEAKERS], "type": ["organisation", "practice"],
        "jurisdiction": LOC + "NL", "stance": ["reported"], "include_corrected": True,
        "focus": ID + "openai", "depth": 2,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([("as_of", "2024-13-01")], "parameter 'as_of': expected a date YYYY-MM-DD"),
        ([("as_of", "20241001")], "parameter 'as_of': expected a date YYYY-MM-DD"),
        (
            [("as_of", "2024-10-01"), ("as_of", "2025-10-01")],
            "parameter 'as_of': given more than once",
        ),
        (
            [("source", "tweakers")],
            "parameter 'source': expected a seed id (like 000_d336fba75509138b) or a source IRI",
        ),
        (
            [("type", "company")],
            "parameter 'type': expected one of organisation, person, practice, data, purpose, jurisdiction, lawsuit, regulator-action, correction, source, product, setting, other",
        ),
        (
            [("jurisdiction", "NL")],
            "parameter 'jurisdiction': expected an IRI or a curie like loc:NL",
        ),
        (
            [("stance", "claimed")],
            "parameter 'stance': expected one of asserted, reported, alleged, denied, inferred",
        ),
        ([("include_corrected", "1")], "parameter 'include_corrected': expected true or false"),
        ([("focus", "nope:x")], "parameter 'focus': expected an IRI or a curie like id:linkedin"),
        (
            [("focus", "id:openai"), ("depth", "6")],
            "parameter 'depth': expected an integer from 1 to 5",
        ),
        (
            [("focus", "id:openai"), ("depth", "two")],
            "parameter 'depth': expected an integer from 1 to 5",
        ),
        ([("depth", "2")], "parameter 'depth': needs a 'focus' node to count hops from"),
        (
            [("colour", "red")],
            "unknown parameter 'colour'; this view takes: as_of, source, type, jurisdiction, stance, include_corrected, focus, depth",
        ),
    ],
)
def test_bad_values_name_their_parameter(items: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        Filters.parse(items)
    assert caught.value.message == message
