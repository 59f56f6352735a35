"""The ontology and the shapes agree, claims use terms within their declared domains, and the
published data conforms to the shapes under a standard SHACL processor with default settings."""

from __future__ import annotations

import rdflib
from pyoxigraph import RdfFormat, parse
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, RDFS, SH

from policykg.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.settings import Settings
from policykg.sources import source_files
from policykg.validate import to_rdflib

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
