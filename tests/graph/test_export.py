"""Exports: RDF dumps that round-trip to the same graph, and graph files for visualisation tools."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.errors import BadRequest
from policykg.graph.build import BuildReport
from policykg.graph.export import export
from policykg.kg import PolicyGraph
from policykg.settings import Settings


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
