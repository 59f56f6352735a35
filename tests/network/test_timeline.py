"""The timeline on the real graph: publications, the correction, the announcement's precision,
effective dates, the regulator's warning, the opt-out deadline, and the undated lawsuit."""

from __future__ import annotations

from typing import Any

import pytest

from policykg.kg import PolicyGraph
from policykg.network.timeline import build_timeline, fetch_timeline, span

from .support import CLAIM, ID, SRC, TWEAKERS


@pytest.fixture(scope="module")
def timeline(kg: PolicyGraph) -> dict[str, Any]:
    return build_timeline(fetch_timeline(kg.store))


def by_kind(timeline: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [i for i in timeline["items"] if i["kind"] == kind]


def test_publications_are_the_dated_sources(kg: PolicyGraph, timeline: dict[str, Any]) -> None:
    rows = kg.select(
        "SELECT ?s ?d WHERE { ?s <https://w3id.org/policykg/ontology#seedFile> ?f ; "
        "<http://purl.org/dc/terms/issued> ?d } ORDER BY ?d"
    )
    dated = [(i["start"], i["sources"]) for i in by_kind(timeline, "publication")
             if i["id"].startswith("publication:" + SRC)]  # fmt: skip
    assert dated == [(r["d"], [r["s"]]) for r in rows]
    undated = [
        u for u in timeline["undated"] if u["why"] == "the article states no publication date"
    ]
    everything = kg.select(
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s <https://w3id.org/policykg/ontology#seedFile> ?f }"
    )
    assert len(undated) + len(rows) == int(everything[0]["n"] or 0)


def test_the_correction_of_30_september_2024(timeline: dict[str, Any]) -> None:
    (correction,) = by_kind(timeline, "correction")
    assert correction["start"] == "2024-09-30"
    assert correction["claims"] == [
        CLAIM + "000/openai-not-recipient",
        CLAIM + "000/openai-recipient",
    ]
    assert correction["sources"] == [SRC + TWEAKERS]
    assert correction["group"] == ID + "linkedin-genai-training"
    assert (
        correction["label"]
        == "Correction by Tweakers: LinkedIn said the data is not shared with OpenAI."
    )


def test_the_announcement_keeps_its_precision(timeline: dict[str, Any]) -> None:
    (announced,) = by_kind(timeline, "announcement")
    assert (announced["start"], announced["end"], announced["precision"]) == (
        "2025-09-15",
        "2025-09-21",
        "week",
    )
    assert announced["label"].endswith("announced (the week before 24 September 2025)")
    assert announced["claims"] == [CLAIM + "004/announced"]


def test_warning_deadline_and_start_of_the_eu_practice(timeline: dict[str, Any]) -> None:
    actions = {i["group"]: i for i in by_kind(timeline, "regulator-action")}
    warnings = [
        i
        for i in by_kind(timeline, "regulator-action")
        if i["id"] == f"regulator-action:{ID}ap-warning-2025"
    ]
    # 004 dates the warning only by its own publication: known as of that day, not stated
    assert [(w["start"], w["group"], w["basis"]) for w in warnings] == [
        ("2025-09-24", ID + "autoriteit-persoonsgegevens", "reported")
    ]
    assert ID + "autoriteit-persoonsgegevens" in actions
    assert [(d["start"], d["claims"], d["group"]) for d in by_kind(timeline, "deadline")] == [
        ("2025-11-03", [CLAIM + "004/advice-deadline"], ID + "autoriteit-persoonsgegevens")
    ]
    assert [(e["start"], e["group"]) for e in by_kind(timeline, "effective")] == [
        ("2025-11-03", ID + "linkedin-genai-training-eu")
    ]


def test_periods_are_ranges_from_their_start(timeline: dict[str, Any]) -> None:
    periods = {(p["group"], p["start"]): p for p in by_kind(timeline, "period")}
    eu = periods[(ID + "linkedin-genai-training-eu", "2025-11-03")]
    assert eu["end"] is None
    assert CLAIM + "004/eu-included" in eu["claims"]


def test_the_lawsuit_is_undated_with_why(timeline: dict[str, Any]) -> None:
    (lawsuit,) = [
        u for u in timeline["undated"] if u["label"].startswith("De La Torre v. LinkedIn")
    ]
    assert lawsuit["why"].startswith("no source says when; reported by ")
    assert CLAIM + "001/lawsuit-defendant" in lawsuit["claims"]


def test_groups_are_those_of_the_items(timeline: dict[str, Any]) -> None:
    assert {g["id"] for g in timeline["groups"]} == {i["group"] for i in timeline["items"]}
    assert all(g["label"] for g in timeline["groups"])


def test_span_says_the_precision() -> None:
    assert span("2025-09-15", "week", "2025-10-30") == (
        "2025-09-21",
        "the week of 15 September 2025",
    )
    assert span("2024-01-01", "year") == ("2024-12-31", "2024")
