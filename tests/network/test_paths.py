"""Paths between two entities, each step with its claims, on the real graph."""

from __future__ import annotations

import pytest

from policykg.errors import BadRequest
from policykg.kg import PolicyGraph
from policykg.network.build import network
from policykg.network.filters import Filters
from policykg.network.paths import find_paths

from .support import DPV, ID, PKG, TWEAKERS, claims_of

OPENAI, MEMBERS, PRACTICE = ID + "openai", ID + "linkedin-members", ID + "linkedin-genai-training"


def test_openai_reaches_linkedin_members_through_the_2024_practice(kg: PolicyGraph) -> None:
    (path,) = find_paths(network(kg, Filters()), OPENAI, MEMBERS)
    assert path["length"] == 2
    first, second = path["steps"]
    assert (first["from"], first["to"], first["property"], first["direction"]) == (
        OPENAI,
        PRACTICE,
        PKG + "excludesRecipient",
        "backward",
    )
    assert [c["iri"] for c in first["claims"]] == claims_of(
        kg, PRACTICE, PKG + "excludesRecipient", OPENAI
    )
    assert (second["from"], second["to"], second["property"], second["direction"]) == (
        PRACTICE,
        MEMBERS,
        DPV + "hasDataSubject",
        "forward",
    )
    assert [c["iri"] for c in second["claims"]] == claims_of(
        kg, PRACTICE, DPV + "hasDataSubject", MEMBERS
    )


def test_k_shortest_paths_come_shortest_first(kg: PolicyGraph) -> None:
    found = find_paths(network(kg, Filters()), OPENAI, MEMBERS, 3)
    assert [p["length"] for p in found] == sorted(p["length"] for p in found)
    assert len(found) == 3
    nodes = [(p["steps"][0]["from"], *(s["to"] for s in p["steps"])) for p in found]
    assert len(set(nodes)) == 3
    assert nodes[1] == (OPENAI, ID + "microsoft", PRACTICE, MEMBERS)


def test_paths_respect_the_date_and_the_source(kg: PolicyGraph) -> None:
    """Before the correction, Tweakers linked OpenAI to the practice as a recipient."""
    view = network(kg, Filters.parse([("as_of", "2024-09-20"), ("source", TWEAKERS)]))
    (path,) = find_paths(view, OPENAI, MEMBERS)
    assert [s["property"] for s in path["steps"]] == [DPV + "hasRecipient", DPV + "hasDataSubject"]
    assert (
        path["steps"][0]["claims"][0]["iri"]
        == "https://w3id.org/policykg/claim/000/openai-recipient"
    )


def test_no_path_is_an_empty_list_and_unknown_nodes_are_refused(kg: PolicyGraph) -> None:
    whole = network(kg, Filters())
    known = set(whole)
    only_organisations = network(kg, Filters.parse([("type", "organisation")]))
    assert find_paths(only_organisations, OPENAI, MEMBERS, known=known) == []
    assert find_paths(whole, OPENAI, ID + "tweakers") == []  # another component
    with pytest.raises(
        BadRequest,
        match=r"^parameter 'to': no node <https://w3id.org/policykg/id/nobody> in the graph$",
    ):
        find_paths(whole, OPENAI, ID + "nobody", known=known)
