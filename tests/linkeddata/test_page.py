"""What a page makes of a description: disagreement between sources, corrections, labels."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from policykg.linkeddata.iris import Iris
from policykg.linkeddata.page import Page, build_page
from policykg.namespaces import PKG, PROV, RDF

E = "https://w3id.org/policykg/"
IRIS = Iris(E)
PRACTICE = E + "id/p"
PROP = PKG + "excludesJurisdiction"


def claim(name: str, source: str, obj: str, stance: str = "Asserted") -> list[Triple]:
    c = NamedNode(E + "claim/" + name)
    return [
        Triple(c, NamedNode(RDF + "type"), NamedNode(PKG + "Claim")),
        Triple(c, NamedNode(RDF + "subject"), NamedNode(PRACTICE)),
        Triple(c, NamedNode(RDF + "predicate"), NamedNode(PROP)),
        Triple(c, NamedNode(RDF + "object"), NamedNode(E + "id/" + obj)),
        Triple(c, NamedNode(PKG + "stance"), NamedNode(PKG + stance)),
        Triple(c, NamedNode(PROV + "wasDerivedFrom"), NamedNode(E + "source/" + source)),
    ]


def page_of(*claims: list[Triple]) -> Page:
    triples = [t for c in claims for t in c]
    page = build_page(PRACTICE, triples, IRIS, "en")
    assert page is not None
    assert [g.predicate.iri for g in page.facts] == [PROP]
    return page


def test_same_values_reported_or_asserted_do_not_disagree() -> None:
    page = page_of(claim("a", "s1", "eu"), claim("b", "s2", "eu", "ReportedSpeech"))
    assert page.facts[0].versions == []
    assert [len(f.claims) for f in page.facts[0].facts] == [2]


def test_different_lists_disagree_with_each_sources_version() -> None:
    page = page_of(claim("a", "s1", "eu"), claim("b", "s2", "eu"), claim("c", "s2", "ch"))
    versions = page.facts[0].versions
    assert [(v.source.term.iri, [t.iri for t, _ in v.values]) for v in versions] == [
        (E + "source/s1", [E + "id/eu"]),
        (E + "source/s2", [E + "id/ch", E + "id/eu"]),
    ]


def test_a_denial_disagrees_with_an_allegation() -> None:
    page = page_of(claim("a", "s1", "eu", "Alleged"), claim("b", "s2", "eu", "Denied"))
    versions = page.facts[0].versions
    assert [s.text for v in versions for _, s in v.values if s] == ["pkg:Alleged", "pkg:Denied"]


def test_corrected_claim_does_not_take_a_side() -> None:
    corrected = [
        *claim("b", "s2", "ch"),
        Triple(
            NamedNode(E + "claim/b"), NamedNode(PROV + "wasInvalidatedBy"), NamedNode(E + "claim/x")
        ),
        Triple(
            NamedNode(E + "claim/x"),
            NamedNode("http://purl.org/dc/terms/date"),
            Literal("2024-09-30"),
        ),
    ]
    page = page_of(claim("a", "s1", "eu"), claim("c", "s2", "eu"), corrected)
    assert page.facts[0].versions == []
    struck = [f for f in page.facts[0].facts if f.corrected]
    assert [f.value.iri for f in struck] == [E + "id/ch"]
    correction = struck[0].claims[0].correction
    assert correction is not None
    assert correction.date == "2024-09-30"
