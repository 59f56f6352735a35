"""The named queries ``search`` and ``search-by-source``: the index's hits, bound, joined with the graph.

Every expectation is derived: the hits from :func:`policykg.search.search`, the sources,
paragraphs and stances from the graph by SPARQL.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from pyoxigraph import Store

from policykg.errors import NotFound, ParameterError
from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph, Rows
from policykg.search import search
from policykg.search.binding import MAX_HITS
from policykg.settings import Settings

PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
Fact = tuple[str | None, str | None, str | None]


@pytest.fixture(scope="module")
def facts(kg: PolicyGraph) -> dict[str, set[Fact]]:
    """Each claim's (source, paragraph, stance) rows, as the query joins them."""
    rows = kg.sparql(
        f"""{PREFIXES} SELECT ?claim ?source ?paragraph ?stance WHERE {{
          ?claim a pkg:Claim .
          OPTIONAL {{ ?claim prov:wasDerivedFrom ?source }}
          OPTIONAL {{ ?claim pkg:paragraph ?paragraph }}
          OPTIONAL {{ ?claim pkg:stance ?stance }} }}"""
    )
    assert isinstance(rows, Rows)
    out: dict[str, set[Fact]] = {}
    for r in rows:
        out.setdefault(str(r["claim"]), set()).add((r["source"], r["paragraph"], r["stance"]))
    return out


def run(kg: PolicyGraph, name: str, **params: str) -> Rows:
    rows = kg.run_named(name, params)
    assert isinstance(rows, Rows)
    return rows


def ranked(rows: Rows) -> list[tuple[int, str, str, Decimal]]:
    seen = dict.fromkeys(
        (int(str(r["rank"])), str(r["hit"]), str(r["kind"]), Decimal(str(r["score"]))) for r in rows
    )
    return list(seen)


CASES = [
    ("InMail", {}, {}),
    ("gebruiker", {"lang": "NL", "type": "claim"}, {"lang": "nl", "kind": "claim"}),
    ("Nutzer", {"lang": "De"}, {"lang": "de"}),
    ('"vice-voorzitter van de AP"', {}, {}),
    ("Verdier", {"type": "entity"}, {"kind": "entity"}),
    ("LinkedIn OR AI OR data", {"limit": str(MAX_HITS)}, {"limit": MAX_HITS}),
]


@pytest.mark.parametrize(("text", "params", "options"), CASES)
def test_the_hits_are_the_searchers_in_rank_order(
    built: tuple[Settings, BuildReport],
    kg: PolicyGraph,
    text: str,
    params: dict[str, str],
    options: dict[str, object],
) -> None:
    expected = search(built[0].store_path, text, **options).hits  # type: ignore[arg-type]
    assert expected
    rows = run(kg, "search", q=text, **params)
    assert ranked(rows) == [
        (i, h.iri, h.kind, Decimal(f"{h.score:.4f}")) for i, h in enumerate(expected, start=1)
    ]
    assert {r["q"] for r in rows} == {text}
    snippets = {str(r["hit"]): str(r["snippet"]) for r in rows}
    for hit in expected:
        assert snippets[hit.iri].strip("… ") in hit.text


def test_every_rank_up_to_the_limit_is_unpacked(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    words = "LinkedIn OR AI OR data"
    assert search(built[0].store_path, words, limit=1).count > MAX_HITS
    rows = run(kg, "search", q=words, limit=str(MAX_HITS))
    assert [rank for rank, *_ in ranked(rows)] == list(range(1, MAX_HITS + 1))


def test_claims_are_joined_with_their_source_paragraph_and_stance(
    kg: PolicyGraph, facts: dict[str, set[Fact]]
) -> None:
    rows = run(kg, "search", q="InMail OR Verdier OR gebruiker", limit=str(MAX_HITS))
    got: dict[str, set[Fact]] = {}
    for r in rows:
        got.setdefault(str(r["hit"]), set()).add((r["source"], r["paragraph"], r["stance"]))
    claims = {iri for iri, kind in ((str(r["hit"]), r["kind"]) for r in rows) if kind == "claim"}
    assert claims
    assert {iri: got[iri] for iri in claims} == {iri: facts[iri] for iri in claims}
    assert all(got[iri] == {(None, None, None)} for iri in set(got) - claims)


def test_per_source_counts_the_claim_hits_by_their_source_and_stance(
    built: tuple[Settings, BuildReport], kg: PolicyGraph, facts: dict[str, set[Fact]]
) -> None:
    for text in ("InMail", "gebruiker", "opt*"):
        hits = search(built[0].store_path, text, kind="claim", limit=MAX_HITS).hits
        assert hits
        expected = Counter(
            (source, stance)
            for h in hits
            for source, stance in {(f[0], f[2]) for f in facts[h.iri]}
        )
        rows = run(kg, "search-by-source", q=text)
        assert {(r["source"], r["stance"]): int(str(r["claims"])) for r in rows} == expected
        titles = kg.sparql(f"{PREFIXES} SELECT ?s ?t WHERE {{ ?s dct:title ?t }}")
        assert isinstance(titles, Rows)
        title = {t["s"]: t["t"] for t in titles}
        assert all(r["title"] == title[r["source"]] for r in rows)


def test_corrected_claims_are_hidden_unless_asked(kg: PolicyGraph) -> None:
    rows = kg.sparql(
        f"{PREFIXES} SELECT ?claim ?quote WHERE {{ ?claim prov:wasInvalidatedBy ?c ; pkg:quote ?quote }}"
    )
    assert isinstance(rows, Rows)
    assert len(rows)
    for row in rows:
        phrase = '"' + str(row["quote"]).replace('"', " ") + '"'
        hidden = {r["hit"] for r in run(kg, "search", q=phrase)}
        shown = {r["hit"] for r in run(kg, "search", q=phrase, include_corrected="true")}
        assert row["claim"] not in hidden
        assert row["claim"] in shown


def test_sparql_in_the_words_is_only_words(
    built: tuple[Settings, BuildReport], kg: PolicyGraph
) -> None:
    text = "InMail } ; DROP ALL ; SELECT * { ?s ?p ?o } #"
    expected = search(built[0].store_path, text, limit=20).hits
    rows = run(kg, "search", q=text)
    assert [h for _, h, _, _ in ranked(rows)] == [h.iri for h in expected]
    assert len(kg.store) > 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": '"InMail'}, "parameter 'q': unbalanced quote: every \" needs a closing \""),
        ({"q": "OR"}, "parameter 'q': OR needs words on both sides"),
        ({"lang": "fr"}, "parameter 'lang' must be any or one of de, en, nl (in any case), got 'fr'"),
        ({"type": "person"}, "parameter 'type' must be any or one of claim, entity, source, got 'person'"),
        ({"limit": "101"}, f"parameter 'limit' must be from 1 to {MAX_HITS}, got 101"),
        ({"limit": "0"}, f"parameter 'limit' must be from 1 to {MAX_HITS}, got 0"),
        ({"include_corrected": "yes"}, "parameter 'include_corrected' must be true or false, got 'yes'"),
    ],
)  # fmt: skip
def test_bad_parameters_name_themselves(
    kg: PolicyGraph, params: dict[str, str], message: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        kg.run_named("search", params)
    assert caught.value.message == message


def test_a_graph_without_an_index_says_so(kg: PolicyGraph) -> None:
    with pytest.raises(NotFound) as caught:
        PolicyGraph(Store(), kg.library).run_named("search", {})
    assert caught.value.message == (
        "query 'search' searches the full-text index, which only a built graph has: "
        "run `policykg build` and open dist/store"
    )
