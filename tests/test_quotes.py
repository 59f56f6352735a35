"""Every quote is the article's own words, in a paragraph the claim names.

The paragraphs are numbered by policykg.graph.paragraphs, the one rule the data follows. A quote
matches after normalising whitespace, typographic quotation marks and dashes; "[...]" in a
quote stands for left-out words, so the parts around it must occur in order in the paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from policykg.graph.paragraphs import paragraphs
from policykg.kg import PolicyGraph
from tests.seeds import seed_texts

# Typographic double quotes and guillemets become ", typographic single quotes become '.
_QUOTES = str.maketrans(
    dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a", '"')
    | dict.fromkeys("\u2018\u2019\u201a\u201b", "'")
)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_ELISION = "[...]"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(_DASHES.sub("-", text).split())


def occurs(quote: str, paragraph: str) -> bool:
    """True when the quote's parts (split at "[...]") occur in the paragraph, in order."""
    at = 0
    for part in (normalise(p) for p in quote.split(_ELISION)):
        found = paragraph.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def claims_with_paragraphs(kg: PolicyGraph) -> dict[str, tuple[str, set[int], list[str]]]:
    rows = kg.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?claim ?file ?n ?quote WHERE { ?claim a pkg:Claim ; pkg:paragraph ?n ; "
        "prov:wasDerivedFrom/pkg:seedFile ?file . OPTIONAL { ?claim pkg:quote ?quote } }"
    )
    out: dict[str, tuple[str, set[int], list[str]]] = {}
    for row in rows:
        claim = str(row["claim"])
        _, numbers, quotes = out.setdefault(claim, (str(row["file"]), set(), []))
        numbers.add(int(str(row["n"])))
        if row.get("quote") is not None and str(row["quote"]) not in quotes:
            quotes.append(str(row["quote"]))
    return out


def test_the_rule_numbers_every_seed_from_the_headline() -> None:
    for name, text in seed_texts().items():
        numbered = paragraphs(text)
        assert [p.number for p in numbered] == list(range(len(numbered))), name
        assert len(numbered) > 2, name


def test_every_paragraph_a_claim_names_exists(kg: PolicyGraph) -> None:
    texts = seed_texts()
    counts = {name: len(paragraphs(text)) for name, text in texts.items()}
    missing = [
        (claim, sorted(n for n in numbers if n >= counts[file]))
        for claim, (file, numbers, _) in claims_with_paragraphs(kg).items()
        if any(n >= counts[file] for n in numbers)
    ]
    assert missing == []


def test_every_quote_occurs_in_a_paragraph_the_claim_names(kg: PolicyGraph) -> None:
    texts = {name: paragraphs(text) for name, text in seed_texts().items()}
    problems: dict[str, list[str]] = defaultdict(list)
    checked = 0
    for claim, (file, numbers, quotes) in claims_with_paragraphs(kg).items():
        named = [normalise(p.text) for p in texts[file] if p.number in numbers]
        for quote in quotes:
            checked += 1
            if not any(occurs(quote, paragraph) for paragraph in named):
                problems[claim].append(quote)
    assert dict(problems) == {}
    assert checked > 0


def test_matching_normalises_marks_and_honours_elision() -> None:
    paragraph = normalise("\u201eLinkedin nutzt jetzt die Inhalte \u2013 sie haben  einfach\u201c")
    assert occurs('"Linkedin nutzt [...] sie haben einfach"', paragraph)
    assert occurs("Inhalte - sie", paragraph)
    assert not occurs("sie haben [...] Linkedin", paragraph)
    assert not occurs("Linkedin nutzt nicht", paragraph)


def test_missing_seed_texts_fail_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYKG_SEEDS", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no seed texts in"):
        seed_texts()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        seed_texts()
