"""The index is built with the store and switched with it by ``policykg build``."""

from __future__ import annotations

from pathlib import Path

from policykg.graph.build import BuildReport, build
from policykg.search import search
from policykg.search.index import SUFFIX, index_path
from policykg.settings import Settings
from tests.graph.test_build import copy_project

ARTICLE = """
@prefix src:    <https://w3id.org/policykg/source/> .
@prefix kg:     <https://w3id.org/policykg/graph/> .
@prefix id:     <https://w3id.org/policykg/id/> .
@prefix pkg:    <https://w3id.org/policykg/ontology#> .
@prefix dpv:    <https://w3id.org/dpv#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

kg:005_0000000000000000 {
    src:005_0000000000000000 a schema:NewsArticle, prov:Entity ;
        dct:identifier "005_0000000000000000" ;
        pkg:seedFile "005_0000000000000000.txt" ;
        dct:title "Zwiebelkuchen und Datenschutz"@de ;
        dct:language "de" ;
        pkg:dateStatus pkg:DateNotStated .

    <https://w3id.org/policykg/claim/005/owned> a pkg:Claim ;
        rdf:subject id:linkedin ; rdf:predicate dpv:isSubsidiaryOf ; rdf:object id:microsoft ;
        pkg:stance pkg:Asserted ; prov:wasDerivedFrom src:005_0000000000000000 ;
        pkg:paragraph 1 ;
        pkg:quote "LinkedIn gehört zu Microsoft, sagen die Zwiebelkuchenbäcker."@de .
}
"""


def test_an_added_article_is_found_only_after_the_build(root: Path, tmp_path: Path) -> None:
    settings = Settings(root=copy_project(root, tmp_path / "root"), dist=tmp_path / "dist")
    build(settings)
    before = settings.store_path.resolve()
    assert search(settings.store_path, "Zwiebelkuchenbäcker").hits == []
    (settings.root / "graph" / "sources" / "005_0000000000000000.trig").write_text(
        ARTICLE, encoding="utf-8"
    )
    assert search(settings.store_path, "Zwiebelkuchenbäcker").hits == []  # not built yet
    build(settings)
    after = settings.store_path.resolve()
    assert after != before
    found = search(settings.store_path, "zwiebelkuchenbacker")  # case and accents folded
    assert [(h.iri, h.source, h.paragraphs) for h in found.hits] == [
        (
            "https://w3id.org/policykg/claim/005/owned",
            "https://w3id.org/policykg/source/005_0000000000000000",
            [1],
        )
    ]
    titles = search(settings.store_path, "Zwiebelkuchen", kind="source").hits
    assert [h.iri for h in titles] == ["https://w3id.org/policykg/source/005_0000000000000000"]
    # Each store keeps its own index: the previous one still answers as it did.
    assert index_path(before) == before.with_name(before.name + SUFFIX)
    assert index_path(before).is_dir()
    assert search(before, "Zwiebelkuchenbäcker").hits == []


def test_the_documents_are_those_of_every_quad_of_the_graph(
    built: tuple[Settings, BuildReport],
) -> None:
    """The build indexes only the quads the documents read (:func:`read_quads`), from the
    store it validated: the same documents as from every quad of the published graph."""
    from pyoxigraph import Store

    from policykg.search.documents import documents, read_quads

    store = Store.read_only(str(built[0].store_path))
    everything = list(store)
    assert len(list(read_quads(store))) < len(everything)
    assert documents(read_quads(store)) == documents(everything)
    assert {d.kind for d in documents(everything)} == {"claim", "source", "entity"}
