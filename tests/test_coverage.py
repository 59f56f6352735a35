"""docs/coverage.md lists every claim under exactly the paragraphs the claim names."""

from __future__ import annotations

import re
from collections import defaultdict

from policykg.kg import PolicyGraph
from policykg.settings import Settings
from tests.seeds import seed_texts

CLAIM = "https://w3id.org/policykg/claim/"


def documented() -> dict[str, set[int]]:
    text = (Settings().root / "docs" / "coverage.md").read_text(encoding="utf-8")
    found: dict[str, set[int]] = defaultdict(set)
    for line in text.splitlines():
        match = re.match(r"^\| (\d+) \|.*\| (.*) \|$", line)
        if match:
            for claim in re.findall(r"`([^`]+)`", match[2]):
                found[claim].add(int(match[1]))
    return found


def test_every_claim_is_documented_under_its_paragraphs(kg: PolicyGraph) -> None:
    rows = kg.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "SELECT ?claim ?p WHERE { ?claim a pkg:Claim ; pkg:paragraph ?p }"
    )
    in_graph: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        in_graph[str(row["claim"]).removeprefix(CLAIM)].add(int(str(row["p"])))
    assert documented() == in_graph


def test_every_seed_file_has_a_source_and_a_section() -> None:
    settings = Settings()
    seeds = sorted(name.removesuffix(".txt") for name in seed_texts())  # fails in CI if missing
    sources = sorted(p.stem for p in (settings.root / "graph" / "sources").glob("*.trig"))
    text = (settings.root / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert sources == seeds
    assert all(f"## {s}:" in text for s in sources)


def test_every_listed_claim_is_marked_as_re_read() -> None:
    text = (Settings().root / "docs" / "coverage.md").read_text(encoding="utf-8")
    unmarked = []
    for line in text.splitlines():
        match = re.match(r"^\| (\d+) \|.*\| (.*) \|$", line)
        if match:
            unmarked += [c for c, mark in re.findall(r"`([^`]+)`( [✓✎✚])?", match[2]) if not mark]
    assert unmarked == []
