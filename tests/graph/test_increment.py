"""``policykg check`` against the built graph gives what a full validation gives.

Each new or changed file is validated twice: by :func:`validate_against_build` (only what
the file touches, read from the built store) and by a full validation of every source with
the file in place (what ``policykg build`` would run). The two lists of results must be
the same, message for message, file for file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.graph.build import BuildReport
from policykg.graph.increment import build_order, validate_against_build
from policykg.graph.sources import load, read, source_files
from policykg.graph.validate import Problem, validate, validate_fast
from policykg.settings import Settings

PREFIXES = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix id: <https://w3id.org/policykg/id/> .
@prefix c: <https://w3id.org/policykg/claim/005/> .
@prefix src: <https://w3id.org/policykg/source/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
"""

ARTICLE = """
    src:005_x a schema:NewsArticle ; pkg:seedFile "005_x.txt" ; dct:identifier "005_x" ;
        dct:title "Test"@en ; dct:language "en" ; dct:issued "2025-12-01"^^xsd:date ."""


def _full(settings: Settings, files: list[Path], replaced: str | None = None) -> list[Problem]:
    """A full validation of every source, ``files`` added (replacing the source ``replaced``)."""
    context = [p for p in source_files(settings.root) if p.name != replaced]
    loaded = load([*context, *files], base=settings.base_iri)
    return validate(loaded, settings.root / "ontology" / "shapes.ttl")


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + "<https://w3id.org/policykg/graph/005_x> {" + body + "\n}\n")
    return path


NEW_FILES = {
    "conforming": ARTICLE
    + """
    c:owned a pkg:Claim ;
        rdf:subject id:linkedin ; rdf:predicate <https://w3id.org/dpv#isSubsidiaryOf> ;
        rdf:object id:microsoft ; pkg:stance pkg:Asserted ; prov:wasDerivedFrom src:005_x ;
        pkg:paragraph 1 .""",
    "reported speech without a speaker, a source that is not an article": ARTICLE
    + """
    c:said a pkg:Claim ;
        rdf:subject id:linkedin ; rdf:predicate <https://w3id.org/dpv#isSubsidiaryOf> ;
        rdf:object id:microsoft ; pkg:stance pkg:ReportedSpeech ; prov:wasDerivedFrom id:linkedin ;
        pkg:paragraph 1 .""",
    "a period that ends before it starts": ARTICLE
    + """
    c:period a pkg:Claim ;
        rdf:subject id:linkedin ; rdf:predicate <https://w3id.org/dpv#isSubsidiaryOf> ;
        rdf:object id:microsoft ; pkg:stance pkg:Asserted ; prov:wasDerivedFrom src:005_x ;
        pkg:paragraph 1 ;
        dct:temporal [ a <http://www.w3.org/2006/time#Interval> ;
            <http://www.w3.org/2006/time#hasBeginning> [ <http://www.w3.org/2006/time#inXSDDate> "2025-02-01"^^xsd:date ] ;
            <http://www.w3.org/2006/time#hasEnd> [ <http://www.w3.org/2006/time#inXSDDate> "2025-01-01"^^xsd:date ] ] .""",
    "an author that is neither a person nor an organisation, of an article typed both": """
    src:005_x a schema:NewsArticle, schema:Organization ; rdfs:label "Test"@en ;
        pkg:seedFile "005_x.txt" ; dct:identifier "005_x" ; dct:title "Test"@en ;
        dct:language "en" ; dct:issued "2025-12-01"^^xsd:date ;
        schema:author id:linkedin-genai-setting .""",
    "a privacy setting no claim links to": """
    id:new-setting a pkg:PrivacySetting ; rdfs:label "A new setting"@en .""",
    "a second English label on an entity described in entities.trig": """
    id:linkedin-genai-setting rdfs:label "Another name"@en .""",
    "a correction no claim points at, and an existing claim corrected twice": """
    c:fix a pkg:Correction ; dct:date "2025-12-01"^^xsd:date ; prov:wasAssociatedWith id:linkedin ;
        pkg:reason "Because."@en .
    <https://w3id.org/policykg/claim/000/openai-recipient> prov:wasInvalidatedBy c:fix2 .
    c:fix2 a pkg:Correction ; dct:date "2025-12-02"^^xsd:date ; prov:wasAssociatedWith id:linkedin ;
        pkg:reason "Again."@en .""",
}


@pytest.mark.parametrize("case", list(NEW_FILES))
def test_a_new_file_gets_the_results_of_a_full_validation(
    built: tuple[Settings, BuildReport], tmp_path: Path, case: str
) -> None:
    settings = built[0]
    new = _write(tmp_path, "005_x.trig", NEW_FILES[case])
    expected = _full(settings, [new])
    _, report = validate_against_build([new], settings)
    assert report.problems == expected
    assert bool(report.violations) == (case != "conforming")


def test_a_changed_source_replaces_its_graph_in_the_built_graph(
    built: tuple[Settings, BuildReport], tmp_path: Path
) -> None:
    """Source 000 without the link from its corrected claim: its correction now violates."""
    settings = built[0]
    original = settings.root / "graph" / "sources" / "000_d336fba75509138b.trig"
    text = original.read_text(encoding="utf-8")
    link = "        prov:wasInvalidatedBy c:correction-openai .\n"
    assert link in text
    changed = tmp_path / original.name
    changed.write_text(text.replace(link, "        .\n"), encoding="utf-8")
    expected = _full(settings, [changed], replaced=original.name)
    assert [p.focus for p in expected] == ["https://w3id.org/policykg/claim/000/correction-openai"]
    _, report = validate_against_build([changed], settings)
    assert report.problems == expected
    _, unchanged = validate_against_build([original], settings)
    assert unchanged.problems == []


def test_check_reads_the_built_graph_and_full_reads_every_source(
    built: tuple[Settings, BuildReport], tmp_path: Path
) -> None:
    new = _write(tmp_path, "005_x.trig", NEW_FILES["a privacy setting no claim links to"])
    env = {"POLICYKG_DIST": str(built[0].dist)}
    runner = CliRunner()
    fast = runner.invoke(app, ["check", str(new)], env=env)
    full = runner.invoke(app, ["check", "--full", str(new)], env=env)
    assert fast.exit_code == full.exit_code == 1
    assert fast.stderr == full.stderr
    assert fast.stderr.splitlines() == [
        "policykg check: 1 shape violation(s); nothing was written",
        f"  {new}: violation: <https://w3id.org/policykg/id/new-setting>: A privacy setting must "
        "be linked to a practice by a claim (pkg:optOutSetting).",
    ]
    missing = runner.invoke(app, ["check", str(new)], env={"POLICYKG_DIST": str(tmp_path)})
    assert missing.exit_code == 1  # no built graph: the full check runs instead
    assert missing.stderr == full.stderr


@pytest.mark.parametrize("case", [None, *NEW_FILES])
def test_a_build_validates_only_what_oxigraph_flags_and_finds_what_pyshacl_finds(
    tmp_path: Path, case: str | None
) -> None:
    """The build's validation (:func:`validate_fast`) against pyshacl over the whole graph:
    the project's sources as they are (no result), and with each new file."""
    settings = Settings()
    files = [] if case is None else [_write(tmp_path, "005_x.trig", NEW_FILES[case])]
    paths = [*source_files(settings.root), *files]
    loaded = load(paths, base=settings.base_iri)
    shapes = settings.root / "ontology" / "shapes.ttl"
    full = validate(loaded, shapes)
    sources = read(paths, base=settings.base_iri)  # as the build reads them
    assert validate_fast(sources.store, shapes, sources.origin) == full
    assert bool(full) == (case not in (None, "conforming"))


def test_build_full_validation_is_pyshacl_over_everything(tmp_path: Path) -> None:
    """``--full-validation`` (the standard processor over the whole graph) and the default
    stop a build with the same problems."""
    from policykg.errors import BuildError
    from policykg.graph.build import check

    settings = Settings()
    new = _write(tmp_path, "005_x.trig", NEW_FILES["a privacy setting no claim links to"])
    paths = [*source_files(settings.root), new]
    problems = []
    for full in (False, True):
        with pytest.raises(BuildError) as failed:
            check(paths, settings.model_copy(update={"full_validation": full}))
        problems.append(failed.value.problems)
    assert problems[0] == problems[1]
    assert len(problems[0]) == 1


def test_check_ranks_files_in_the_order_a_build_reads_them(tmp_path: Path) -> None:
    """:func:`build_order` (no listing of the sources) sorts files as :func:`source_files`
    lists them, then the files checked that are not sources, in the order given."""
    root = tmp_path / "root"
    (root / "ontology").mkdir(parents=True)
    (root / "graph" / "sources").mkdir(parents=True)
    for name in ("b.ttl", "a.ttl", "shapes.ttl", "advice.ttl", "notes.txt"):
        (root / "ontology" / name).write_text("")
    (root / "graph" / "entities.trig").write_text("")
    for name in ("s10.trig", "s09.trig", "s1.trig", "readme.md"):
        (root / "graph" / "sources" / name).write_text("")
    outside = [tmp_path / "z.trig", tmp_path / "new" / "a.trig"]
    settings = Settings(root=root)
    listed = [p.resolve() for p in source_files(root)]
    chosen = [*outside, root / "graph" / "sources" / "s09.trig"]
    expected = [*listed, *outside]
    assert sorted([*reversed(expected)], key=build_order(settings, chosen)) == expected
    assert [p.name for p in listed] == ["a.ttl", "b.ttl", "entities.trig", "s09.trig",
                                        "s1.trig", "s10.trig"]  # fmt: skip
