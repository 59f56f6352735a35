"""The ontology and the shapes agree, claims use terms within their declared domains, and the
published data conforms to the shapes under a standard SHACL processor with default settings."""

from __future__ import annotations

import rdflib
from pyoxigraph import RdfFormat, parse
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, RDFS, SH

from policykg.graph.build import BuildReport
from policykg.graph.sources import load, source_files
from policykg.graph.validate import to_rdflib
from policykg.kg import PolicyGraph
from policykg.settings import Settings

ROOT = Settings().root
CLAIM = rdflib.URIRef("https://w3id.org/policykg/ontology#Claim")


def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in source_files(ROOT):
        if path.parent.name == "ontology":
            graph.parse(path)
    return graph


def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")


def test_a_shapes_datatype_or_class_is_the_propertys_declared_range() -> None:
    onto, sh = ontology(), shapes()
    checked, disagree = 0, []
    for prop_shape in sh.subjects(SH.path, None):
        path = sh.value(prop_shape, SH.path)
        if not isinstance(path, rdflib.URIRef):
            continue
        ranges = set(onto.objects(path, RDFS.range))
        for constraint in (SH.datatype, SH["class"]):
            for value in sh.objects(prop_shape, constraint):
                if ranges:
                    checked += 1
                    if value not in ranges:
                        disagree.append((str(path), str(value), sorted(map(str, ranges))))
    assert disagree == []
    assert checked >= 5  # paragraph, quote, reason, replacedBy, commentCount at least


def test_every_property_on_a_claim_is_within_its_declared_domain(kg: PolicyGraph) -> None:
    onto = ontology()
    claim_classes = set(onto.transitive_objects(CLAIM, RDFS.subClassOf))
    rows = kg.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "SELECT DISTINCT ?p WHERE { ?claim a pkg:Claim ; ?p ?o }"
    )
    used = {rdflib.URIRef(str(r["p"])) for r in rows}
    outside = {
        str(p): sorted(map(str, domains))
        for p in used
        if (domains := set(onto.objects(p, RDFS.domain))) and not domains & claim_classes
    }
    assert outside == {}
    assert RDF.subject in used


def published(settings: Settings) -> rdflib.Graph:
    """The union of the published dump's graphs, as a standard processor would read it."""
    return to_rdflib(parse(path=str(settings.dist / "policykg.nq"), format=RdfFormat.N_QUADS))


def test_the_published_data_conforms_under_default_shacl_settings(
    built: tuple[Settings, BuildReport],
) -> None:
    data = published(built[0])
    conforms, _, text = shacl_validate(data, shacl_graph=shapes())
    assert conforms, text
    conforms, _, text = shacl_validate(data, shacl_graph=shapes(), advanced=True)
    assert conforms, text


def mismatches(graph: rdflib.Graph) -> tuple[int, list[str]]:
    """Claims whose triple puts a subject outside its predicate's rdfs:domain or an object
    outside its rdfs:range (classes through rdfs:subClassOf; literals by datatype)."""

    def types(node: rdflib.term.Node) -> set[rdflib.term.Node]:
        found: set[rdflib.term.Node] = set()
        for t in graph.objects(node, RDF.type):
            found |= {c for c in graph.transitive_objects(t, RDFS.subClassOf) if c is not None}
        return found

    checked, wrong = 0, []
    for claim in graph.subjects(RDF.type, CLAIM):
        s, p, o = (graph.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert s is not None
        assert p is not None
        assert o is not None
        for domain in graph.objects(p, RDFS.domain):
            checked += 1
            if domain not in types(s):
                wrong.append(f"{claim}: subject {s} of {p} is not a {domain}")
        for range_ in graph.objects(p, RDFS.range):
            checked += 1
            if isinstance(o, rdflib.Literal):
                datatype = o.datatype or (RDF.langString if o.language else rdflib.XSD.string)
                ok = datatype == range_
            else:
                ok = range_ in types(o)
            if not ok:
                wrong.append(f"{claim}: object {o} of {p} is not a {range_}")
    return checked, wrong


def test_every_claimed_triple_respects_its_predicates_domain_and_range() -> None:
    graph = to_rdflib(load(source_files(ROOT)).quads)
    checked, wrong = mismatches(graph)
    assert wrong == []
    assert checked > 50


def test_an_exclusion_hung_on_a_product_is_caught() -> None:
    graph = ontology()
    ex = rdflib.Namespace("http://example.org/")
    pkg = rdflib.Namespace("https://w3id.org/policykg/ontology#")
    graph.add((ex.product, RDF.type, pkg.AIFeature))
    graph.add((ex.c, RDF.type, CLAIM))
    graph.add((ex.c, RDF.subject, ex.product))
    graph.add((ex.c, RDF.predicate, pkg.excludesJurisdiction))
    graph.add((ex.c, RDF.object, rdflib.URIRef("https://w3id.org/dpv/loc#EU")))
    assert mismatches(graph)[1] == [
        f"{ex.c}: subject {ex.product} of {pkg.excludesJurisdiction} is not a {pkg.DataUsePractice}"
    ]
