"""Full-text search on the real graph: the expected hits are derived from the graph by SPARQL."""

from __future__ import annotations

import pytest

from policykg.errors import ParameterError
from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.search import search
from policykg.search.query import MAX_CHARS
from policykg.settings import Settings

PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX src: <https://w3id.org/policykg/source/>
"""
ID = "https://w3id.org/policykg/id/"
SRC = "https://w3id.org/policykg/source/"


def iris(kg: PolicyGraph, where: str) -> set[str]:
    rows = kg.sparql(f"{PREFIXES} SELECT DISTINCT ?claim WHERE {{ {where} }}")
    return {r["claim"] for r in rows if r["claim"]}  # type: ignore[union-attr]


def hits(built: tuple[Settings, BuildReport], text: str, **options: object) -> dict[str, object]:
    found = search(built[0].store_path, text, limit=100, **options)  # type: ignore[arg-type]
    assert found.count == len(found.hits)  # the limit is above every count here
    return {h.iri: h for h in found.hits}


UNCORRECTED = "FILTER NOT EXISTS { ?claim prov:wasInvalidatedBy ?c }"


def test_inmail_finds_exactly_the_claims_quoting_or_noting_it(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    expected = iris(
        kg,
        "?claim a pkg:Claim . { ?claim pkg:quote ?t } UNION { ?claim skos:note ?t } "
        f'FILTER (REGEX(?t, "\\\\binmail\\\\b", "i")) {UNCORRECTED}',
    )
    from_001 = iris(kg, "?claim prov:wasDerivedFrom src:001_75629ab7e52d574a")
    assert expected
    assert expected <= from_001
    found = hits(built, "InMail", kind="claim")
    assert set(found) == expected
    for hit in found.values():
        assert [hit.text[a:b].lower() for a, b in hit.spans] == ["inmail"] * len(hit.spans)  # type: ignore[attr-defined]
        assert hit.source == SRC + "001_75629ab7e52d574a"  # type: ignore[attr-defined]
        assert hit.paragraphs  # type: ignore[attr-defined]


def test_gebruiker_finds_gebruikers_by_its_stem(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    plural_only = iris(
        kg,
        '?claim pkg:quote ?t FILTER (LANGMATCHES(LANG(?t), "nl") '
        '&& REGEX(?t, "gebruikers\\\\b", "i") && !REGEX(?t, "gebruiker\\\\b", "i")) ' + UNCORRECTED,
    )
    assert plural_only
    found = hits(built, "gebruiker", kind="claim", lang="nl")
    assert plural_only <= set(found)
    for iri in plural_only:
        hit = found[iri]
        assert any(hit.text[a:b].lower().endswith("gebruikers") for a, b in hit.spans)  # type: ignore[attr-defined]


def test_nutzer_finds_the_german_quotes_of_002(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    expected = iris(
        kg,
        "?claim prov:wasDerivedFrom src:002_1823d0ef4fc739b2 ; pkg:quote ?t "
        'FILTER (REGEX(?t, "\\\\bnutzer(n|innen)?\\\\b", "i")) ' + UNCORRECTED,
    )
    assert expected
    found = hits(built, "Nutzer", kind="claim")
    assert expected <= set(found)
    assert {h.source for h in found.values()} == {SRC + "002_1823d0ef4fc739b2"}  # type: ignore[attr-defined]


def test_verdier_finds_her_statements_and_her_entity(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    statements = iris(kg, f"?claim pkg:speaker <{ID}monique-verdier> {UNCORRECTED}")
    quoted = iris(kg, '?claim pkg:quote ?t FILTER (CONTAINS(?t, "Verdier"))')
    assert statements
    assert quoted
    found = hits(built, "Verdier")
    assert set(found) == statements | quoted | {ID + "monique-verdier"}
    assert found[ID + "monique-verdier"].kind == "entity"  # type: ignore[attr-defined]
    assert {found[i].role for i in statements - quoted} == {"speaker"}  # type: ignore[attr-defined]


def test_a_phrase_matches_its_words_in_order_only(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    expected = iris(kg, '?claim pkg:quote ?t FILTER (CONTAINS(?t, "vice-voorzitter van de AP"))')
    assert set(hits(built, '"vice-voorzitter van de AP"')) == expected
    assert hits(built, '"AP de van vice-voorzitter"') == {}
    assert expected <= set(hits(built, "AP de van vice-voorzitter"))  # all words, any order


def test_stems_match_only_text_in_their_own_language(built: tuple[Settings, BuildReport]) -> None:
    # "gebruiker" is Dutch: with lang=de only German texts are searched, stemmed as German.
    assert hits(built, "gebruiker", lang="de") == {}
    assert all(h.lang.startswith("de") for h in hits(built, "Nutzer", lang="de").values())  # type: ignore[attr-defined]


def test_prefix_and_exclusion(built: tuple[Settings, BuildReport]) -> None:
    inmail = set(hits(built, "InMail", kind="claim"))
    assert inmail <= set(hits(built, "inma*", kind="claim"))
    assert set(hits(built, "InMail -Premium", kind="claim")) == inmail - set(
        hits(built, "Premium", kind="claim")
    )
    assert set(hits(built, "InMail OR Verdier")) == set(hits(built, "InMail")) | set(
        hits(built, "Verdier")
    )


def test_corrected_claims_are_hidden_unless_asked(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    rows = kg.sparql(
        f"{PREFIXES} SELECT ?claim ?quote WHERE {{ ?claim prov:wasInvalidatedBy ?c ; pkg:quote ?quote }}"
    )
    assert len(rows)
    for row in rows:
        phrase = '"' + str(row["quote"]).replace('"', " ") + '"'  # the whole quote as a phrase
        assert row["claim"] not in hits(built, phrase)
        shown = hits(built, phrase, include_corrected=True)
        assert shown[row["claim"]].corrected  # type: ignore[index,attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"InMail', 'q: unbalanced quote: every " needs a closing "'),
        ("AND -- +", "q: the search has no words, only operators or punctuation"),
        ("   ", "q: empty search: give one or more words"),
        (
            "x" * (MAX_CHARS + 1),
            f"q: the search is {MAX_CHARS + 1} characters long; at most {MAX_CHARS} are allowed",
        ),
        ("-InMail", "q: a search cannot only exclude words: add a word to look for"),
        ("InMail OR", "q: NOT and OR need a word after them"),
        ("i*", "q: a prefix needs at least 2 letters before *: 'i*'"),
    ],
)
def test_bad_searches_say_why(built: tuple[Settings, BuildReport], text: str, message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        search(built[0].store_path, text)
    assert caught.value.message == message
