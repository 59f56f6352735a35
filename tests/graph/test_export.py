"""Exports: RDF dumps that round-trip to the same graph, and graph files for visualisation tools."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import rdflib
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.errors import BadRequest
from policykg.graph.build import BuildReport
from policykg.graph.export import Exports, export, union_ntriples
from policykg.kg import PolicyGraph
from policykg.namespaces import dump_prefixes
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary


def union_from_store(kg: PolicyGraph) -> rdflib.Graph:
    graph = rdflib.Graph()
    nt = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in kg.store)
    return graph.parse(data=nt, format="nt")


@pytest.mark.parametrize(("suffix", "fmt"), [(".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml")])
def test_rdf_exports_round_trip_to_an_isomorphic_graph(
    kg: PolicyGraph, tmp_path: Path, suffix: str, fmt: str
) -> None:
    path = export(kg, tmp_path / f"policykg{suffix}")
    exported = rdflib.Graph().parse(path, format=fmt)
    expected = union_from_store(kg)
    if not isomorphic(exported, expected):
        _, only_exported, only_expected = graph_diff(
            to_isomorphic(exported), to_isomorphic(expected)
        )
        pytest.fail(f"{len(only_exported)} extra, {len(only_expected)} missing triples")


def test_jsonld_export_keeps_the_named_graphs(kg: PolicyGraph, tmp_path: Path) -> None:
    path = export(kg, tmp_path / "policykg.jsonld")
    dataset = rdflib.Dataset().parse(path, format="json-ld")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert "https://w3id.org/policykg/graph/000_d336fba75509138b" in names
    assert "https://w3id.org/policykg/graph/asserted" in names
    nquads = "\n".join(f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in kg.store)
    assert len(dataset) == len(rdflib.Dataset().parse(data=nquads, format="nquads"))


def test_graphml_for_visualisation(kg: PolicyGraph, tmp_path: Path) -> None:
    graph = nx.read_graphml(export(kg, tmp_path / "claims.graphml"), force_multigraph=True)
    data = graph.get_edge_data(
        "https://w3id.org/policykg/id/linkedin", "https://w3id.org/policykg/id/microsoft"
    )
    assert [d["property"] for d in data.values()] == ["https://w3id.org/dpv#isSubsidiaryOf"]
    (edge,) = data.values()
    says = kg.select(
        "SELECT ?c WHERE { ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> "
        "<https://w3id.org/policykg/id/linkedin> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> "
        "<https://w3id.org/policykg/id/microsoft> } ORDER BY ?c"
    )
    assert edge["count"] == len(says)  # one edge, with every source that says it
    assert edge["claims"].split() == [r["c"] for r in says]
    assert graph.nodes["https://w3id.org/policykg/id/linkedin"]["label"] == "LinkedIn"


def test_unknown_format_is_refused(kg: PolicyGraph, tmp_path: Path) -> None:
    with pytest.raises(
        BadRequest,
        match=r"cannot export to 'x.docx'; use one of \.ttl, \.nt, \.nq, \.trig, \.jsonld, \.rdf, \.graphml, \.gexf",
    ):
        export(kg, tmp_path / "x.docx")


def test_cli_prints_construct_results_as_turtle(built: tuple[Settings, BuildReport]) -> None:
    query = (
        "CONSTRUCT { ?a <https://w3id.org/dpv#isSubsidiaryOf> ?b } WHERE { GRAPH "
        "<https://w3id.org/policykg/graph/asserted> { ?a <https://w3id.org/dpv#isSubsidiaryOf> ?b } }"
    )
    env = {"POLICYKG_DIST": str(built[0].dist)}
    result = CliRunner().invoke(app, ["sparql", query], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("id:linkedin dpv:isSubsidiaryOf id:microsoft .")
    lines = CliRunner().invoke(app, ["sparql", query, "-f", "tsv"], env=env).stdout
    assert lines == (
        "<https://w3id.org/policykg/id/linkedin> <https://w3id.org/dpv#isSubsidiaryOf> "
        "<https://w3id.org/policykg/id/microsoft> .\n"
    )


def _triples_sorted_in_python(store: Store) -> bytes:
    """The union as the exports wrote it before: pyoxigraph triples, deduplicated, sorted by
    ``str()`` and serialised as N-Triples."""
    triples = sorted({Triple(q.subject, q.predicate, q.object) for q in store}, key=str)
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def _awkward_store(*, default_graph: bool) -> Store:
    """Literals with spaces, quotes, escapes and ``_:`` in them, a blank-node graph, a triple
    in two graphs, a triple term; with ``default_graph`` also a triple in the default graph."""
    ex = "https://example.org/"
    s, p, q = NamedNode(ex + "s"), NamedNode(ex + "p"), NamedNode(ex + "q")
    g1, g2, b = NamedNode(ex + "g1"), NamedNode(ex + "g2"), BlankNode("b0")
    store = Store()
    for obj in (
        Literal("a b _:c <d> .", language="en"),
        Literal('say "x"\nand \\ \t then'),
        Literal("2025-11-03", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        NamedNode(ex + "o"),
        b,
    ):
        store.add(Quad(s, p, obj, g1))
    store.add(Quad(s, p, NamedNode(ex + "o"), g2))  # the same triple in a second graph
    store.add(Quad(b, q, Literal("in a blank graph"), BlankNode("g")))
    store.add(Quad(s, q, Triple(s, p, b), g2))
    if default_graph:
        store.add(Quad(s, q, Literal("default graph"), DefaultGraph()))
    return store


@pytest.mark.parametrize("default_graph", [False, True])
def test_the_union_is_the_sorted_set_of_the_stores_triples(default_graph: bool) -> None:
    store = _awkward_store(default_graph=default_graph)
    union = Exports().triples(store)
    assert union == _triples_sorted_in_python(store)
    assert len(union.splitlines()) == len({(q.subject, q.predicate, q.object) for q in store})


def test_the_union_of_the_seed_graph_is_what_sorting_its_triples_gives(kg: PolicyGraph) -> None:
    union = union_ntriples(kg.store.dump(format=RdfFormat.N_QUADS) or b"")
    assert union == _triples_sorted_in_python(kg.store)


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".jsonld"])
def test_dataset_exports_are_the_builds_canonical_nquads(
    kg: PolicyGraph, built: tuple[Settings, BuildReport], tmp_path: Path, suffix: str
) -> None:
    fmt = RdfFormat.from_extension(suffix[1:])
    assert fmt is not None
    canonical = (built[0].dist / "policykg.nq").read_bytes()
    if fmt != RdfFormat.N_QUADS:
        written = serialize(parse(canonical, format=RdfFormat.N_QUADS), format=fmt,
                            prefixes=dump_prefixes())  # fmt: skip
        assert written is not None
        canonical = written
    path = export(kg, tmp_path / f"policykg{suffix}")
    assert path.read_bytes() == canonical


def test_a_dataset_export_puts_the_default_graph_first_then_each_graph_sorted(
    tmp_path: Path,
) -> None:
    e = "http://e/"
    store = Store()
    store.extend(
        [
            Quad(NamedNode(e + "b"), NamedNode(e + "p"), Literal("2"), NamedNode(e + "g")),
            Quad(NamedNode(e + "z"), NamedNode(e + "p"), NamedNode(e + "g")),  # default graph
            Quad(NamedNode(e + "a"), NamedNode(e + "p"), Literal("1"), NamedNode(e + "g")),
            Quad(NamedNode(e + "c"), NamedNode(e + "p"), Literal("3"), NamedNode(e + "a")),
        ]
    )
    path = export(PolicyGraph(store, QueryLibrary.load(Settings().queries_dir)), tmp_path / "x.nq")
    assert path.read_text(encoding="utf-8").splitlines() == [
        f"<{e}z> <{e}p> <{e}g> .",
        f'<{e}c> <{e}p> "3" <{e}a> .',
        f'<{e}a> <{e}p> "1" <{e}g> .',
        f'<{e}b> <{e}p> "2" <{e}g> .',
    ]
