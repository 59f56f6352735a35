"""The asserted ("truthy") graph holds what sources assert or report, and nothing the curators
inferred, nothing hedged, alleged or denied, and nothing a source says only may be so."""

from __future__ import annotations

from policykg.kg import PolicyGraph

PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
ASSERTED = "<https://w3id.org/policykg/graph/asserted>"
COUNTS = "(?stance IN (pkg:Asserted, pkg:ReportedSpeech))"


def test_a_triple_is_in_the_asserted_graph_exactly_when_a_counting_claim_states_it(
    kg: PolicyGraph,
) -> None:
    claimed = kg.select(
        PREFIXES
        + f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            ?c a pkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pkg:stance ?stance .
            FILTER {COUNTS}
            FILTER NOT EXISTS {{ ?c prov:wasInvalidatedBy ?x }}
            FILTER NOT EXISTS {{ ?c pkg:modality ?m }} }}"""
    )
    in_graph = kg.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {ASSERTED} {{ ?s ?p ?o }} }}")
    assert {tuple(map(str, r.values())) for r in in_graph} == {
        tuple(map(str, r.values())) for r in claimed
    }


def test_inferred_hedged_and_possible_claims_stay_out(kg: PolicyGraph) -> None:
    kept_out = kg.select(
        PREFIXES
        + f"""SELECT ?c WHERE {{
            ?c a pkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pkg:stance ?stance .
            FILTER (!{COUNTS} || EXISTS {{ ?c pkg:modality ?m }})
            FILTER NOT EXISTS {{
                ?other rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pkg:stance ?st2 .
                FILTER (?st2 IN (pkg:Asserted, pkg:ReportedSpeech))
                FILTER NOT EXISTS {{ ?other pkg:modality ?m2 }}
                FILTER NOT EXISTS {{ ?other prov:wasInvalidatedBy ?x }} }}
            FILTER EXISTS {{ GRAPH {ASSERTED} {{ ?s ?p ?o }} }} }}"""
    )
    assert kept_out.records == []
    claim = "https://w3id.org/policykg/claim/"
    # Each kind is present in the data, so the check above has something to check.
    stances = {
        str(r["stance"])
        for r in kg.select(PREFIXES + "SELECT DISTINCT ?stance WHERE { ?c pkg:stance ?stance }")
    }
    assert {"https://w3id.org/policykg/ontology#Inferred",
            "https://w3id.org/policykg/ontology#Hedged"} <= stances  # fmt: skip
    assert kg.ask(PREFIXES + f"ASK {{ <{claim}001/third-parties> pkg:modality pkg:Possibility }}")
    assert not kg.ask(
        "ASK { GRAPH " + ASSERTED + " { <https://w3id.org/policykg/id/greg-snapper> "
        "<https://schema.org/worksFor> <https://w3id.org/policykg/id/linkedin> } }"
    )
