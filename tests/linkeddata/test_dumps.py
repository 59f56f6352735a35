"""Dumps written by ``policykg build``: every file parsed by an independent parser and equal to
the store; the manifest's sizes, counts and checksums true; a failed build changes nothing."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from policykg.errors import BuildError
from policykg.graph.build import BuildReport, build
from policykg.graph.export import export
from policykg.kg import PolicyGraph
from policykg.linkeddata.dumps import DUMP_FILES, VOID_NAME, served_version, version_dir
from policykg.linkeddata.manifest import Manifest
from policykg.settings import Settings

from . import rdfcheck
from .rdfcheck import (
    assert_same_dataset,
    assert_same_graph,
    pyld_nquads,
    rapper_nquads,
    store_dataset,
    store_union,
)

DATASET_FILES = ("policykg.trig", "policykg.nq")
UNION_FILES = ("policykg.ttl", "policykg.nt", "policykg.rdf")


@pytest.fixture(scope="module")
def folder(built: tuple[Settings, BuildReport], manifest: Manifest) -> Path:
    return version_dir(built[0], manifest.version)


@pytest.fixture(scope="module")
def dataset(kg: PolicyGraph) -> rdflib.Dataset:
    return store_dataset(kg.store)


@pytest.fixture(scope="module")
def union(kg: PolicyGraph) -> rdflib.Graph:
    return store_union(kg.store)


def test_the_version_is_the_builds_digest(
    built: tuple[Settings, BuildReport], manifest: Manifest
) -> None:
    settings, report = built
    assert settings.dist / "dumps" / manifest.version in report.written
    assert (settings.dist / "stores" / manifest.version).is_dir()
    latest = Manifest.read(settings.dist / "dumps")
    assert latest == manifest


def test_every_file_is_listed_once_with_a_gzip_copy(manifest: Manifest, folder: Path) -> None:
    names = [f.name for f in manifest.files]
    plain = [s.name for s in DUMP_FILES] + [VOID_NAME]
    assert sorted(names) == sorted(plain + [n + ".gz" for n in plain])
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names, "manifest.json"])


def test_sizes_and_checksums_match_the_files(manifest: Manifest, folder: Path) -> None:
    for entry in manifest.files:
        data = (folder / entry.name).read_bytes()
        assert (entry.name, entry.size) == (entry.name, len(data))
        assert (entry.name, entry.sha256) == (entry.name, hashlib.sha256(data).hexdigest())


def test_gzip_copies_hold_the_files_and_are_deterministic(manifest: Manifest, folder: Path) -> None:
    for entry in manifest.files:
        if entry.encoding != "gzip":
            continue
        packed = (folder / entry.name).read_bytes()
        plain = folder / entry.name.removesuffix(".gz")
        assert gzip.decompress(packed) == plain.read_bytes()
        assert packed[4:8] == b"\0\0\0\0", f"{entry.name}: a time in the gzip header"
        assert packed[3] & 0x08 == 0, f"{entry.name}: a file name in the gzip header"
        assert entry.media_type == "application/gzip"
        assert entry.content_type == manifest.file(plain.name).media_type  # type: ignore[union-attr]


@pytest.mark.parametrize("name", DATASET_FILES)
def test_dataset_dumps_parse_with_rapper_and_equal_the_store(
    name: str, folder: Path, manifest: Manifest, dataset: rdflib.Dataset
) -> None:
    nquads = rapper_nquads(folder / name)
    parsed = rdflib.Dataset().parse(data=nquads, format="nquads")
    assert_same_dataset(parsed, dataset, name)
    entry = manifest.file(name)
    assert entry is not None
    assert entry.quads == len([line for line in nquads.splitlines() if line.strip()])
    assert entry.triples == len({(s, p, o) for s, p, o, _ in parsed.quads()})


@pytest.mark.parametrize("name", UNION_FILES)
def test_union_dumps_parse_with_rapper_and_equal_the_union(
    name: str, folder: Path, manifest: Manifest, union: rdflib.Graph
) -> None:
    nquads = rapper_nquads(folder / name)
    parsed = rdflib.Graph().parse(data=nquads, format="nt")
    assert_same_graph(parsed, union, name)
    entry = manifest.file(name)
    assert entry is not None
    assert entry.quads is None
    assert entry.triples == len(parsed) == len([line for line in nquads.splitlines() if line])


def test_jsonld_dump_expands_with_pyld_and_equals_the_store(
    folder: Path, manifest: Manifest, dataset: rdflib.Dataset
) -> None:
    nquads = pyld_nquads(folder / "policykg.jsonld")
    parsed = rdflib.Dataset().parse(data=nquads, format="nquads")
    assert_same_dataset(parsed, dataset, "policykg.jsonld")
    entry = manifest.file("policykg.jsonld")
    assert entry is not None
    assert entry.quads == len(nquads.splitlines())


@pytest.mark.parametrize("name", ["policykg.graphml", "policykg.gexf"])
def test_network_dumps_are_what_export_writes(
    name: str, folder: Path, manifest: Manifest, kg: PolicyGraph, tmp_path: Path
) -> None:
    read = nx.read_graphml if name.endswith(".graphml") else nx.read_gexf
    dumped = read(folder / name)
    exported = read(export(kg, tmp_path / name))
    assert sorted(dumped.nodes(data=True)) == sorted(exported.nodes(data=True))
    edges = sorted(dumped.edges(data=True), key=repr)
    assert edges == sorted(exported.edges(data=True), key=repr)
    entry = manifest.file(name)
    assert entry is not None
    assert (entry.nodes, entry.edges) == (dumped.number_of_nodes(), dumped.number_of_edges())
    assert entry.triples is None


def test_rdf_dumps_are_what_export_writes(folder: Path, kg: PolicyGraph, tmp_path: Path) -> None:
    for name in (*DATASET_FILES, *UNION_FILES):
        assert (folder / name).read_bytes() == export(kg, tmp_path / name).read_bytes(), name


def test_the_manifest_is_json_a_reader_can_use(folder: Path) -> None:
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(data) == {"version", "modified", "files"}
    first = data["files"][0]
    assert {"name", "format", "media_type", "size", "sha256", "triples", "quads"} <= set(first)


def copy_project(root: Path, tmp: Path) -> Path:
    for name in ("ontology", "graph", "queries"):
        shutil.copytree(root / name, tmp / name)
    return tmp


def test_a_failed_build_leaves_the_dumps_and_a_new_build_keeps_the_previous(
    built: tuple[Settings, BuildReport], tmp_path: Path
) -> None:
    root = copy_project(built[0].root, tmp_path / "root")
    settings = Settings(root=root, dist=tmp_path / "dist")
    build(settings)
    first = Manifest.read(settings.dist / "dumps")
    assert first is not None
    files = {p.name: p.read_bytes() for p in version_dir(settings, first.version).iterdir()}

    build(settings)  # the same input: the same folder, its date kept
    assert Manifest.read(settings.dist / "dumps") == first

    source = root / "graph" / "sources" / "002_1823d0ef4fc739b2.trig"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("pkg:quote", "pkg:quote <", 1), encoding="utf-8")
    with pytest.raises(BuildError):
        build(settings)
    assert Manifest.read(settings.dist / "dumps") == first
    folder = version_dir(settings, first.version)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert not [p for p in (settings.dist / "dumps").iterdir() if p.name.startswith(".")]

    # A changed source: a new version, and the previous one kept for a server reading it.
    source.write_text(text, encoding="utf-8")
    entities = root / "graph" / "entities.trig"
    renamed = entities.read_text(encoding="utf-8").replace('"LinkedIn"@en', '"LinkedIn Corp."@en')
    entities.write_text(renamed, encoding="utf-8")
    build(settings)
    second = Manifest.read(settings.dist / "dumps")
    assert second is not None
    assert second.version != first.version
    assert served_version(settings.store_path) == second.version
    assert {p.name for p in (settings.dist / "dumps").iterdir() if p.is_dir()} == {
        first.version,
        second.version,
    }


def test_another_build_writes_the_same_files_and_can_fix_its_date(
    built: tuple[Settings, BuildReport],
    manifest: Manifest,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01T00:00:00Z
    settings = Settings(dist=tmp_path / "dist")
    build(settings)
    again = Manifest.read(version_dir(settings, manifest.version))
    assert again is not None
    assert again.modified == "2025-12-01T00:00:00Z"
    # The description and the GEXF file state the build's date.
    dated = {"void.ttl", "void.ttl.gz", "policykg.gexf", "policykg.gexf.gz"}
    assert [f for f in again.files if f.name not in dated] == [
        f for f in manifest.files if f.name not in dated
    ]
    for entry in again.files:
        again_bytes = (version_dir(settings, again.version) / entry.name).read_bytes()
        first_bytes = (folder / entry.name).read_bytes()
        if entry.name == "policykg.gexf":
            day = re.compile(rb'lastmodifieddate="([0-9-]+)"')
            assert [m[1] for m in day.finditer(again_bytes)] == [b"2025-12-01"]
            assert [m[1] for m in day.finditer(first_bytes)] == [manifest.modified[:10].encode()]
            again_bytes, first_bytes = day.sub(b"", again_bytes), day.sub(b"", first_bytes)
        if entry.name not in dated or entry.name == "policykg.gexf":
            assert again_bytes == first_bytes, entry.name


def test_without_rapper_the_tests_skip_but_fail_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdfcheck.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        rdfcheck.need_rapper()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="rapper not found"):
        rdfcheck.need_rapper()


def test_the_graph_comparison_sees_a_difference() -> None:
    one = rdflib.Graph().parse(data="_:a <http://e/p> _:b .\n_:b <http://e/p> _:a .\n", format="nt")
    same = rdflib.Graph().parse(
        data="_:x <http://e/p> _:y .\n_:y <http://e/p> _:x .\n", format="nt"
    )
    other = rdflib.Graph().parse(
        data="_:x <http://e/p> _:y .\n_:y <http://e/p> _:y .\n", format="nt"
    )
    assert_same_graph(one, same, "renamed blank nodes")
    with pytest.raises(pytest.fail.Exception, match="1 extra, 1 missing"):
        assert_same_graph(one, other, "a changed triple")
