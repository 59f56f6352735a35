"""The ontology reuses standard terms, declares the DPV terms it uses, and links to Wikidata."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDFS, SKOS

from policykg.kg import PolicyGraph
from policykg.settings import Settings

ROOT = Settings().root
PKG = "https://w3id.org/policykg/ontology#"
DPV_FAMILY = ("https://w3id.org/dpv#", "https://w3id.org/dpv/")


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "policykg.ttl")


def test_ontology_has_a_version_iri() -> None:
    g = ontology()
    assert (rdflib.URIRef("https://w3id.org/policykg/ontology"), OWL.versionIRI,
            rdflib.URIRef("https://w3id.org/policykg/ontology/0.1.0")) in g  # fmt: skip


def test_every_own_term_has_an_english_label_a_definition_and_a_standard_anchor() -> None:
    g = ontology()
    anchors = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.broader, SKOS.closeMatch, SKOS.related,
               SKOS.exactMatch, SKOS.inScheme, rdflib.RDF.type)  # fmt: skip
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(PKG)}
    problems = []
    for term in sorted(terms):
        labels = list(g.objects(term, RDFS.label)) + list(g.objects(term, SKOS.prefLabel))
        if not any(getattr(lbl, "language", None) == "en" for lbl in labels):
            problems.append(f"{term}: no English label")
        if (
            (term, SKOS.definition, None) not in g
            and (term, SKOS.inScheme, None) not in g
            and (term, rdflib.RDF.type, SKOS.ConceptScheme) not in g
        ):
            problems.append(f"{term}: no definition")
        if not any((term, p, None) in g for p in anchors):
            problems.append(f"{term}: not linked to any other term")
    assert problems == []


def test_every_dpv_term_used_is_declared_locally(kg: PolicyGraph) -> None:
    declared = rdflib.Graph().parse(ROOT / "ontology" / "dpv.ttl")
    declared_terms = set(declared.subjects())
    rows = kg.select(
        "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } FILTER isIRI(?t) }"
    )
    used = {rdflib.URIRef(str(r["t"])) for r in rows if str(r["t"]).startswith(DPV_FAMILY)}
    used = {t for t in used if not str(t).endswith(("#", "/"))}  # namespaces (rdfs:isDefinedBy)
    assert used - declared_terms == set()


def test_required_wikidata_links(kg: PolicyGraph) -> None:
    rows = kg.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?e ?wd WHERE { ?e skos:exactMatch ?wd "
        "FILTER STRSTARTS(STR(?wd), 'http://www.wikidata.org/entity/') }"
    )
    links = {(str(r["e"]).rsplit("/", 1)[1], str(r["wd"]).rsplit("/", 1)[1]) for r in rows}
    assert {("linkedin", "Q213660"), ("microsoft", "Q2283"), ("openai", "Q21708200")} <= links


def test_no_term_is_fetched_at_run_time() -> None:
    for path in (ROOT / "ontology").glob("*.ttl"):
        assert "owl:imports" not in path.read_text(encoding="utf-8"), path
