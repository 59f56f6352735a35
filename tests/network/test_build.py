"""The network builder: what a view holds for each filter, checked against SPARQL on the store."""

from __future__ import annotations

import networkx as nx
import pytest

from policykg.errors import BadRequest
from policykg.kg import PolicyGraph
from policykg.network.build import network
from policykg.network.filters import Filters

from .support import DPV, ID, LOC, PKG, SRC, TWEAKERS, claims_of, nodes_of, view_edges


def triples(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, d["property"], v) for u, v, d in graph.edges(data=True)}


def test_the_whole_view_holds_every_uncorrected_claim_once(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    expected = view_edges(kg)
    assert triples(graph) == expected
    assert graph.number_of_edges() == len(expected)
    assert set(graph.nodes) == nodes_of(expected)


def test_an_edge_holds_every_claim_behind_it(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    key = f"{ID}linkedin|{DPV}isSubsidiaryOf|{ID}microsoft"
    edge = graph.edges[ID + "linkedin", ID + "microsoft", key]
    expected = claims_of(kg, ID + "linkedin", DPV + "isSubsidiaryOf", ID + "microsoft")
    assert [c["iri"] for c in edge["claims"]] == sorted(
        expected, key=lambda c: (c.split("/")[-2], c)
    )
    assert edge["count"] == len(expected)
    assert edge["label"] == "isSubsidiaryOf"
    first = edge["claims"][0]
    assert first == {
        "iri": "https://w3id.org/policykg/claim/000/linkedin-owned-by-microsoft",
        "source": SRC + TWEAKERS,
        "source_label": "Tweakers, 2024-09-18",
        "stance": "asserted",
        "quote": "LinkedIn, een dienst in handen van Microsoft",
        "quote_lang": "nl",
        "paragraph": 0,
        "corrected": False,
        "period": None,
        "jurisdiction": None,
    }


def test_nodes_carry_type_and_labels_per_language(kg: PolicyGraph) -> None:
    graph = network(kg, Filters())
    assert graph.nodes[ID + "linkedin-members"] == {
        "id": ID + "linkedin-members",
        "iri": ID + "linkedin-members",
        "label": "LinkedIn members",
        "labels": {"en": "LinkedIn members", "nl": "LinkedIn-gebruikers", "de": "Linkedin-Nutzer"},
        "type": "person",
    }
    kinds = dict(graph.nodes(data="type"))
    assert kinds[ID + "linkedin-genai-training"] == "practice"
    assert kinds[LOC + "EU"] == "jurisdiction"
    assert kinds["https://w3id.org/dpv/pd#Location"] == "data"
    assert kinds[ID + "de-la-torre-v-linkedin"] == "lawsuit"
    assert kinds[ID + "ap-warning-2025"] == "regulator-action"


@pytest.mark.parametrize("day", ["2024-10-01", "2025-11-10"])
def test_as_of_keeps_the_claims_holding_that_day(kg: PolicyGraph, day: str) -> None:
    graph = network(kg, Filters.parse([("as_of", day)]))
    expected = view_edges(kg, day=day)
    assert triples(graph) == expected
    assert set(graph.nodes) == nodes_of(expected)


def test_the_eu_comes_into_scope_between_2024_and_2025(kg: PolicyGraph) -> None:
    in_scope = (ID + "linkedin-genai-training-eu", DPV + "hasJurisdiction", LOC + "EU")
    excluded = (ID + "linkedin-genai-training", PKG + "excludesJurisdiction", LOC + "EU")
    before = triples(network(kg, Filters.parse([("as_of", "2024-10-01")])))
    after = triples(network(kg, Filters.parse([("as_of", "2025-11-10")])))
    assert excluded in before
    assert in_scope not in before
    assert excluded in after
    assert in_scope in after


def test_corrected_claims_are_hidden_unless_asked(kg: PolicyGraph) -> None:
    shared = (ID + "linkedin-genai-training", DPV + "hasRecipient", ID + "openai")
    assert shared not in triples(network(kg, Filters()))
    graph = network(kg, Filters.parse([("include_corrected", "true")]))
    edge = graph.edges[shared[0], shared[2], "|".join(shared)]
    assert edge["corrected"] is True
    assert [c["iri"] for c in edge["claims"]] == claims_of(kg, *shared, corrected=True)
    assert triples(graph) - {shared} == view_edges(kg)


def test_a_claim_is_not_corrected_before_its_correction(kg: PolicyGraph) -> None:
    """On 20 September 2024 Tweakers still said LinkedIn shares the data with OpenAI."""
    view = network(kg, Filters.parse([("as_of", "2024-09-20"), ("source", TWEAKERS)]))
    shared = (ID + "linkedin-genai-training", DPV + "hasRecipient", ID + "openai")
    denied = (ID + "linkedin-genai-training", PKG + "excludesRecipient", ID + "openai")
    assert shared in triples(view)
    assert denied not in triples(view)
    later = network(kg, Filters.parse([("as_of", "2024-10-01"), ("source", TWEAKERS)]))
    assert shared not in triples(later)
    assert denied in triples(later)


def test_a_source_filter_keeps_only_that_sources_claims(kg: PolicyGraph) -> None:
    graph = network(kg, Filters.parse([("source", TWEAKERS)]))
    assert triples(graph) == view_edges(kg, source=SRC + TWEAKERS)
    sources = {c["source"] for _, _, d in graph.edges(data=True) for c in d["claims"]}
    assert sources == {SRC + TWEAKERS}


def test_sources_disagree_on_the_excluded_jurisdictions(kg: PolicyGraph) -> None:
    rows = kg.query("exclusion-disagreements")
    disputed_by_query = {r["jurisdiction"] for r in rows}
    graph = network(kg, Filters())
    practice = ID + "linkedin-genai-training"
    excluded = {v: d["disputed"] for u, v, d in graph.out_edges(practice, data=True)
                if d["property"] == PKG + "excludesJurisdiction"}  # fmt: skip
    assert {v for v, disputed in excluded.items() if disputed} == disputed_by_query
    assert excluded[LOC + "CH"] is False  # all three sources name Switzerland


def test_type_stance_jurisdiction_and_focus_filters(kg: PolicyGraph) -> None:
    organisations = network(kg, Filters.parse([("type", "organisation")]))
    assert {t for _, t in organisations.nodes(data="type")} == {"organisation"}
    alleged = network(kg, Filters.parse([("stance", "alleged")]))
    assert {c["stance"] for _, _, d in alleged.edges(data=True) for c in d["claims"]} == {"alleged"}
    us = network(kg, Filters.parse([("jurisdiction", "loc:US")]))
    places = {c["jurisdiction"] for _, _, d in us.edges(data=True) for c in d["claims"]}
    assert places == {None, LOC + "US"}
    near = network(kg, Filters.parse([("focus", "id:openai"), ("depth", "1")]))
    whole = network(kg, Filters()).to_undirected()
    assert set(near) == {ID + "openai", *whole.neighbors(ID + "openai")}


def test_unknown_source_and_focus_are_refused(kg: PolicyGraph) -> None:
    with pytest.raises(
        BadRequest,
        match=r"^parameter 'source': no source <https://w3id.org/policykg/source/999_0000000000000000> in the graph$",
    ):
        network(kg, Filters.parse([("source", "999_0000000000000000")]))
    with pytest.raises(
        BadRequest,
        match=r"^parameter 'focus': no node <https://w3id.org/policykg/id/nobody> in the graph$",
    ):
        network(kg, Filters.parse([("focus", "id:nobody")]))
