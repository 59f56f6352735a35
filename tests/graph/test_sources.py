"""Reading source files: every unreadable file is reported at once, with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.errors import BuildError
from policykg.graph.sources import load, rebase


def test_every_bad_file_is_reported_together(tmp_path: Path) -> None:
    stray = tmp_path / "stray.trig"
    stray.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n", encoding="utf-8")
    odd = tmp_path / "notes.txt"
    odd.write_text("hello", encoding="utf-8")
    missing = tmp_path / "missing.trig"
    with pytest.raises(BuildError) as err:
        load([stray, broken, odd, missing])
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
