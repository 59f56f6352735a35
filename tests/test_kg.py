"""The notebook API: named queries as rows, ad-hoc SPARQL, and the networkx view."""

from __future__ import annotations

import pytest

from policykg.errors import BadRequest, NotFound, QuerySyntaxError
from policykg.kg import PolicyGraph

ID = "https://w3id.org/policykg/id/"


def test_rows_are_dicts_ready_for_a_dataframe(kg: PolicyGraph) -> None:
    rows = kg.query("lawsuits")
    assert rows.columns == [
        "lawsuit",
        "plaintiff",
        "defendant",
        "court_jurisdiction",
        "status",
        "source",
    ]
    assert rows.records[0]["defendant"] == ID + "linkedin"
    assert list(rows) == rows.records


def test_ask_select_and_errors(kg: PolicyGraph) -> None:
    assert kg.ask("ASK { <https://w3id.org/policykg/id/linkedin> ?p ?o }") is True
    with pytest.raises(BadRequest, match="expected an ASK query"):
        kg.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    with pytest.raises(QuerySyntaxError, match=r"SPARQL syntax error: error at 1:"):
        kg.sparql("SELECT * {")
    with pytest.raises(NotFound, match="no named query 'nope'"):
        kg.query("nope")


def test_networkx_view_hides_corrected_claims_unless_asked(kg: PolicyGraph) -> None:
    graph = kg.to_networkx()
    practice = ID + "linkedin-genai-training"
    recipients = {v for _, v, d in graph.out_edges(practice, data=True)
                  if d["property"] == "https://w3id.org/dpv#hasRecipient"}  # fmt: skip
    assert recipients == {ID + "microsoft", ID + "linkedin-affiliates"}
    assert graph.nodes[ID + "linkedin"]["label"] == "LinkedIn"
    everything = kg.to_networkx(include_corrected=True)
    edge = everything.get_edge_data(practice, ID + "openai")
    corrected = [d for d in edge.values() if d["corrected"]]
    assert [c["source"] for d in corrected for c in d["claims"]] == [
        "https://w3id.org/policykg/source/000_d336fba75509138b"
    ]


def test_load_gives_the_same_answers_as_the_built_store(kg: PolicyGraph) -> None:
    in_memory = PolicyGraph.load()
    for name in ("status-as-of", "exclusion-disagreements", "ownership-chains"):
        assert in_memory.query(name).records == kg.query(name).records
