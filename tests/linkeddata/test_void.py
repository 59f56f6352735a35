"""The dataset description: it parses, states every required property, and its numbers are
those of the store; ``/.well-known/void`` serves it in every RDF format."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from pyoxigraph import RdfFormat, Triple, parse
from pyshacl import validate
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.linkeddata.dumps import VOID_NAME, version_dir
from policykg.linkeddata.manifest import Manifest
from policykg.linkeddata.void import LICENCE, dataset_iri
from policykg.settings import Settings

from .rdfcheck import assert_same_graph, pyld_nquads, rapper_nquads

#: A DCAT 3 term, not in rdflib's (DCAT 2) namespace.
DCAT_VERSION = rdflib.URIRef("http://www.w3.org/ns/dcat#version")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
SHAPES = Path(__file__).parent / "void-shapes.ttl"
BASE = Settings().base_iri
DATASET = rdflib.URIRef(dataset_iri(BASE))
RDF_TYPE = str(RDF.type)


@pytest.fixture(scope="module")
def void_path(built: tuple[Settings, BuildReport], manifest: Manifest) -> Path:
    return version_dir(built[0], manifest.version) / VOID_NAME


@pytest.fixture(scope="module")
def void(void_path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(void_path, format="turtle")


def _integer(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> int:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    literal = values[0]
    assert isinstance(literal, rdflib.Literal)
    assert literal.datatype in (XSD.integer, XSD.nonNegativeInteger)
    return int(literal)


def test_it_parses_with_rapper(void_path: Path, void: rdflib.Graph) -> None:
    parsed = rdflib.Graph().parse(data=rapper_nquads(void_path), format="nt")
    assert_same_graph(parsed, void, VOID_NAME)


def test_it_states_every_required_property(void: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    conforms, _, text = validate(void, shacl_graph=shapes, advanced=True)
    assert conforms, text


def test_the_shapes_catch_a_missing_property(void: rdflib.Graph) -> None:
    broken = rdflib.Graph()
    for triple in void:
        broken.add(triple)
    broken.remove((DATASET, DCTERMS.license, None))
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    conforms, _, text = validate(broken, shacl_graph=shapes, advanced=True)
    assert not conforms
    assert "license" in text


def test_counts_are_those_of_the_store(void: rdflib.Graph, kg: PolicyGraph) -> None:
    quads = list(kg.store)
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert _integer(void, DATASET, VOID.triples) == len(triples)
    assert _integer(void, DATASET, VOID.distinctSubjects) == len({t[0] for t in triples})
    assert _integer(void, DATASET, VOID.distinctObjects) == len({t[2] for t in triples})
    by_sparql = kg.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert _integer(void, DATASET, VOID.triples) == int(by_sparql[0]["n"] or 0)

    instances: dict[str, set[object]] = defaultdict(set)
    for s, p, o in triples:
        if p.value == RDF_TYPE:
            instances[str(o.value)].add(s)
    classes = {
        str(void.value(part, VOID["class"])): _integer(void, part, VOID.entities)
        for part in void.objects(DATASET, VOID.classPartition)
    }
    assert classes == {c: len(members) for c, members in instances.items()}
    assert _integer(void, DATASET, VOID.classes) == len(instances)

    per_property = Counter(str(p.value) for _, p, _ in triples)
    properties = {
        str(void.value(part, VOID.property)): _integer(void, part, VOID.triples)
        for part in void.objects(DATASET, VOID.propertyPartition)
    }
    assert properties == dict(per_property)
    assert _integer(void, DATASET, VOID.properties) == len(per_property)

    per_graph = Counter(str(q.graph_name.value) for q in quads)  # type: ignore[union-attr]
    graphs = {
        str(void.value(named, SD.name)): _integer(void, void.value(named, SD.graph), VOID.triples)
        for named in void.objects(DATASET, SD.namedGraph)
    }
    assert graphs == dict(per_graph)


def test_sources_are_the_articles(void: rdflib.Graph, kg: PolicyGraph) -> None:
    articles = {
        str(q.subject.value)
        for q in kg.store
        if q.predicate.value == RDF_TYPE and q.object.value == "https://schema.org/NewsArticle"
    }
    assert articles
    assert {str(s) for s in void.objects(DATASET, DCTERMS.source)} == articles


def test_identity_licence_and_endpoints(void: rdflib.Graph, manifest: Manifest) -> None:
    assert str(void.value(DATASET, DCTERMS.license)) == LICENCE
    assert str(void.value(DATASET, DCAT_VERSION)) == manifest.version
    modified = void.value(DATASET, DCTERMS.modified)
    assert isinstance(modified, rdflib.Literal)
    assert modified.toPython() == datetime.fromisoformat(manifest.modified)
    assert str(void.value(DATASET, VOID.sparqlEndpoint)) == BASE + "sparql"
    assert str(void.value(DATASET, VOID.uriSpace)) == BASE
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {
        "https://w3id.org/dpv#",
        "http://www.w3.org/ns/prov#",
        "https://schema.org/",
    } <= vocabularies
    assert "https://w3id.org/policykg/ontology#" in vocabularies


def test_dumps_and_distributions_are_the_manifests_files(
    void: rdflib.Graph, manifest: Manifest
) -> None:
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    rdf = {f.name for f in manifest.files if f.is_rdf and f.name not in ("void.ttl", "void.ttl.gz")}
    assert dumps == {BASE + "dumps/" + name for name in rdf}
    described = {}
    for dist in void.objects(DATASET, DCAT.distribution):
        url = str(void.value(dist, DCAT.downloadURL))
        checksum = void.value(dist, SPDX.checksum)
        described[url] = (
            _integer(void, dist, DCAT.byteSize),
            str(void.value(checksum, SPDX.checksumValue)),
            str(void.value(dist, DCAT.mediaType)),
        )
    listed = {
        BASE + "dumps/" + f.name: (
            f.size,
            f.sha256,
            "http://www.iana.org/assignments/media-types/" + (f.content_type or f.media_type),
        )
        for f in manifest.files
        if not f.name.startswith("void.ttl")
    }
    assert described == listed


# --- /.well-known/void ------------------------------------------------------------------

_PARSE = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/n-quads": RdfFormat.N_QUADS,
    "application/trig": RdfFormat.TRIG,
    "application/rdf+xml": RdfFormat.RDF_XML,
}


def _as_rdflib(body: bytes, fmt: RdfFormat) -> rdflib.Graph:
    lines = [f"{q.subject} {q.predicate} {q.object} ." for q in parse(body, format=fmt)]
    return rdflib.Graph().parse(data="\n".join(lines), format="nt")


def test_well_known_void_is_turtle_by_default(policy_client: TestClient, void_path: Path) -> None:
    for accept in (None, "*/*", "text/*", "text/html, */*;q=0.1"):
        headers = {"Accept": accept} if accept else {}
        response = policy_client.get("/.well-known/void", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/turtle; charset=utf-8"
        assert response.content == void_path.read_bytes()
        assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("media_type", sorted(_PARSE))
def test_well_known_void_in_each_rdf_format(
    policy_client: TestClient, void: rdflib.Graph, media_type: str
) -> None:
    response = policy_client.get("/.well-known/void", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert_same_graph(_as_rdflib(response.content, _PARSE[media_type]), void, media_type)


def test_well_known_void_as_jsonld_expands_with_pyld(
    policy_client: TestClient, void: rdflib.Graph, tmp_path: Path
) -> None:
    response = policy_client.get("/.well-known/void?format=jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    path = tmp_path / "void.jsonld"
    path.write_bytes(response.content)
    parsed = rdflib.Graph().parse(data=pyld_nquads(path), format="nt")
    assert_same_graph(parsed, void, "JSON-LD")


def test_well_known_void_refuses_what_it_cannot_send(policy_client: TestClient) -> None:
    response = policy_client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "Not acceptable"
    bad = policy_client.get("/.well-known/void?format=xlsx")
    assert bad.status_code == 406
    assert bad.json()["message"].startswith("format 'xlsx' is not available")


def test_well_known_void_revalidates_with_304(policy_client: TestClient) -> None:
    first = policy_client.get("/.well-known/void")
    etag = first.headers["etag"]
    assert etag.startswith('W/"' + first.text.split('dcat:version "')[1].split('"')[0])
    again = policy_client.get("/.well-known/void", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    other = policy_client.get(
        "/.well-known/void", headers={"If-None-Match": etag, "Accept": "application/n-triples"}
    )
    assert other.status_code == 200


def test_the_service_description_points_to_it(policy_client: TestClient) -> None:
    response = policy_client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    dataset = rdflib.URIRef("http://testserver/sparql#dataset")
    seealso = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    assert list(graph.objects(dataset, seealso)) == [
        rdflib.URIRef("http://testserver/.well-known/void")
    ]


@pytest.fixture(scope="module")
def data_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server over a --data file: no build, so no dumps and no description."""
    folder = tmp_path_factory.mktemp("data")
    data = folder / "facts.ttl"
    data.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    settings = Settings(root=folder, dist=folder / "dist", workers=1)
    with TestClient(create_app(settings, data=[data])) as client:
        yield client


def test_a_data_server_has_no_dumps_no_description_and_no_build_etag(
    data_client: TestClient,
) -> None:
    dumps = data_client.get("/dumps/")
    assert dumps.status_code == 404
    assert dumps.json()["message"].startswith("this server has no dumps")
    void = data_client.get("/.well-known/void")
    assert void.status_code == 404
    assert void.json()["message"].startswith("this server has no dataset description")
    result = data_client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert result.status_code == 200
    assert "etag" not in result.headers
    description = data_client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert "seeAlso" not in description.text


def test_the_description_is_its_triples_in_the_same_bytes_each_time(
    built: tuple[Settings, BuildReport], manifest: Manifest, void_path: Path
) -> None:
    """The description (``void.ttl``) is what :func:`describe` makes, written without
    canonicalising: the same input gives the same bytes, holding the triples described."""
    from pyoxigraph import Store

    from policykg.linkeddata.void import describe, description_turtle, statistics

    settings = built[0]
    stats = statistics(Store.read_only(str(settings.store_path)))
    made = [
        describe(
            base_iri=settings.base_iri,
            version=manifest.version,
            modified=manifest.modified,
            files=[f for f in manifest.files if f.name not in (VOID_NAME, VOID_NAME + ".gz")],
            stats=stats,
        )
        for _ in range(2)
    ]
    text = description_turtle(made[0])
    assert text == description_turtle(made[1]) == void_path.read_bytes()
    assert_same_graph(_as_rdflib(text, RdfFormat.TURTLE), _triples_graph(made[0]), "void.ttl")


def _triples_graph(triples: list[Triple]) -> rdflib.Graph:
    from pyoxigraph import serialize

    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None
    return rdflib.Graph().parse(data=data, format="nt")
