"""Reading source files: every unreadable file is reported at once, with file, line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Store

from policykg.errors import BuildError
from policykg.graph.sources import load, read, rebase
from policykg.namespaces import DEFAULT_BASE


@pytest.mark.parametrize("reader", [load, read], ids=["load", "read"])
def test_every_bad_file_is_reported_together(tmp_path: Path, reader: Callable[..., object]) -> None:
    stray = tmp_path / "stray.trig"
    stray.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n", encoding="utf-8")
    odd = tmp_path / "notes.txt"
    odd.write_text("hello", encoding="utf-8")
    missing = tmp_path / "missing.trig"
    with pytest.raises(BuildError) as err:
        reader([stray, broken, odd, missing])
    assert err.value.message == "4 file(s) could not be read"
    assert err.value.problems[0] == (
        f"{stray}: the triple about <http://e/a> is outside any named graph; "
        "put every triple of a source file inside its GRAPH block"
    )
    assert err.value.problems[1].startswith(f"{broken}:3:1: Unexpected end")
    assert err.value.problems[2] == f"{odd}: unknown RDF file type '.txt'; use .ttl or .trig"
    assert err.value.problems[3].startswith(f"{missing}: cannot read:")


def test_turtle_goes_to_the_ontology_graph_and_origins_are_kept(tmp_path: Path) -> None:
    ttl = tmp_path / "o.ttl"
    ttl.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    loaded = load([ttl])
    assert [str(q.graph_name) for q in loaded.quads] == [
        "<https://w3id.org/policykg/graph/ontology>"
    ]
    assert loaded.origin == {"http://e/a": ttl}


def test_rebase_keeps_the_ontology_namespace(tmp_path: Path) -> None:
    trig = tmp_path / "s.trig"
    trig.write_text(
        "<https://w3id.org/policykg/graph/g> { <https://w3id.org/policykg/id/x> "
        "a <https://w3id.org/policykg/ontology#Claim> . }\n",
        encoding="utf-8",
    )
    (quad,) = rebase(load([trig]).quads, "http://example.org/")
    assert (str(quad.subject), str(quad.object), str(quad.graph_name)) == (
        "<http://example.org/id/x>",
        "<https://w3id.org/policykg/ontology#Claim>",
        "<http://example.org/graph/g>",
    )


def test_resolved_paths_are_those_of_path_resolve(tmp_path: Path) -> None:
    """Folders are resolved once; a file that is a link is resolved on its own."""
    from policykg.graph.sources import resolved

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.trig").write_text("")
    (tmp_path / "elsewhere.trig").write_text("")
    (tmp_path / "real" / "b.trig").symlink_to(tmp_path / "elsewhere.trig")
    (tmp_path / "via").symlink_to(tmp_path / "real")
    paths = [tmp_path / "via" / "a.trig", tmp_path / "via" / "b.trig", tmp_path / "real" / "a.trig"]
    assert resolved(paths) == [p.resolve() for p in paths]
    assert resolved(paths)[1] == (tmp_path / "elsewhere.trig").resolve()


SOURCE = """@prefix e: <http://e/> .
@prefix g: <https://w3id.org/policykg/graph/> .
@prefix id: <https://w3id.org/policykg/id/> .
g:{name} {{ id:{name} e:p [ e:q "{name}" ] ; e:r _:b . _:b e:q "label b" . }}
"""


def test_read_gives_the_quads_load_gives_with_each_files_blank_nodes_apart(
    tmp_path: Path,
) -> None:
    """The build's reader (:func:`read`, into a store) and :func:`load` give the same quads,
    up to blank-node labels; two files that write the same label ``_:b`` get two nodes."""
    paths = []
    for name in ("one", "two"):
        paths.append(tmp_path / f"{name}.trig")
        paths[-1].write_text(SOURCE.format(name=name), encoding="utf-8")
    sources = read(paths)
    assert sources.files == paths
    assert len(sources.store) == 8
    labels = {q.object.value for q in sources.store if str(q.predicate) == "<http://e/r>"}
    assert len(labels) == 2
    as_loaded = Store()
    as_loaded.extend(load(paths).quads)
    assert sorted(_unlabelled(sources.store)) == sorted(_unlabelled(as_loaded))


def _unlabelled(store: Store) -> list[str]:
    return [" ".join("_" if isinstance(t, BlankNode) else str(t) for t in q) for q in store]


@pytest.mark.parametrize("base", [DEFAULT_BASE, "http://example.org/kg/"])
def test_read_tells_each_subjects_first_file(tmp_path: Path, base: str) -> None:
    """An IRI's first file (under the base the graph is published at), and a blank node's:
    the file that wrote the graph it is described in."""
    first, second = tmp_path / "1.trig", tmp_path / "2.trig"
    first.write_text(SOURCE.format(name="one"), encoding="utf-8")
    second.write_text(
        SOURCE.format(name="two") + "<https://w3id.org/policykg/graph/two> "
        "{ <https://w3id.org/policykg/id/one> <http://e/s> 1 . }\n",
        encoding="utf-8",
    )
    sources = read([first, second], base=base)
    assert dict(sources.origin) == {f"{base}id/one": first, f"{base}id/two": second}
    blank = {
        q.object.value: q.graph_name.value  # type: ignore[union-attr]
        for q in sources.store
        if str(q.predicate) == "<http://e/r>"
    }
    assert {sources.origin.get(label) for label in blank} == {first, second}
    for label, graph in blank.items():
        assert sources.origin[label] == (first if graph.endswith("one") else second)
    assert sources.origin.get("nowhere") is None
    assert sources.origin.get("http://e/not-a-subject") is None
