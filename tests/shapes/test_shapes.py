"""Every shape has a conforming and a violating fixture; violations are asserted exactly.

A fixture is a TriG snippet in fixtures/ (the common prefixes are added here) validated with
the ontology. Its header lists the results it must produce, one per line::

    # expect: SEVERITY FOCUS PATH | MESSAGE      (PATH is - for node-level results)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.build import BuildReport
from policykg.graph.sources import load, source_files
from policykg.graph.validate import advise, validate
from policykg.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
PREFIXES = {
    "ex": "http://example.org/",
    "pkg": "https://w3id.org/policykg/ontology#",
    "dpv": "https://w3id.org/dpv#",
    "loc": "https://w3id.org/dpv/loc#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "dct": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
SETTINGS = Settings()
ONTOLOGY = [p for p in source_files(SETTINGS.root) if p.parent.name == "ontology"]
SHAPES = SETTINGS.root / "ontology" / "shapes.ttl"
ADVICE = SETTINGS.root / "ontology" / "advice.ttl"


def expand(name: str) -> str:
    inverse = name.startswith("^")
    prefix, _, local = name.lstrip("^").partition(":")
    iri = PREFIXES[prefix] + local if prefix in PREFIXES else name.lstrip("^")
    return ("^" if inverse else "") + iri


def expectations(text: str) -> set[tuple[str, str, str, str]]:
    out = set()
    for line in text.splitlines():
        if line.startswith("# expect:"):
            head, _, message = line.removeprefix("# expect:").partition(" | ")
            severity, focus, path = head.split()
            out.add((severity, expand(focus), "" if path == "-" else expand(path), message.strip()))
    return out


def results(fixture: Path, tmp_path: Path, shapes: Path = SHAPES) -> set[tuple[str, str, str, str]]:
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    data = tmp_path / fixture.name
    data.write_text(header + fixture.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load([*ONTOLOGY, data])
    check = advise if shapes == ADVICE else validate
    return {(p.severity, p.focus, p.path, p.message) for p in check(loaded, shapes)}


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*-valid.trig")), ids=lambda p: p.stem)
def test_conforming_fixture_has_no_results(fixture: Path, tmp_path: Path) -> None:
    assert results(fixture, tmp_path) == set()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*-invalid.trig")), ids=lambda p: p.stem)
def test_violating_fixture_has_exactly_the_expected_results(fixture: Path, tmp_path: Path) -> None:
    expected = expectations(fixture.read_text(encoding="utf-8"))
    assert expected, f"{fixture.name} declares no '# expect:' lines"
    assert results(fixture, tmp_path) == expected


# Which fixture pair exercises each shape; a new shape must be added here, with its fixtures.
SHAPE_FIXTURES = {
    "ClaimShape": "claim",
    "SpeakerShape": "claim",
    "InferenceShape": "claim",
    "JurisdictionValuedShape": "claim",
    "ConsentModeShape": "claim",
    "DatedClaimShape": "claim",
    "ClaimPeriodShape": "claim",
    "IntervalShape": "claim",
    "CorrectionShape": "correction",
    "SeedArticleShape": "article",
    "ArticleShape": "article",
    "OrganizationShape": "entities",
    "WikidataStatusShape": "entities",
    "PersonShape": "entities",
    "LabelledShape": "entities",
    "PracticeShape": "entities",
    "LawsuitShape": "entities",
    "RegulatorActionShape": "entities",
    "PrivacySettingShape": "entities",
}


def test_every_shape_has_a_conforming_and_a_violating_fixture() -> None:
    import rdflib
    from rdflib.namespace import SH

    g = rdflib.Graph().parse(SHAPES)
    shapes = {str(s).rsplit("#", 1)[1] for s in g.subjects(rdflib.RDF.type, SH.NodeShape)}
    assert shapes == set(SHAPE_FIXTURES)
    for stem in set(SHAPE_FIXTURES.values()):
        assert (FIXTURES / f"{stem}-valid.trig").exists()
        assert (FIXTURES / f"{stem}-invalid.trig").exists()


def test_every_constraint_has_a_message() -> None:
    import rdflib
    from rdflib.namespace import SH

    g = rdflib.Graph().parse(SHAPES)
    # Members of sh:xone / sh:or lists are parts of one constraint, whose shape has the message.
    members = {
        m
        for p in (SH.xone, SH["or"])
        for lst in g.objects(None, p)
        for m in rdflib.collection.Collection(g, lst)
    }
    targets = set(g.subjects(rdflib.RDF.type, SH.SPARQLTarget))
    constrained = set(g.subjects(SH.path, None)) | set(g.subjects(SH.select, None)) - targets
    node_level = {s for s in g.subjects(rdflib.RDF.type, SH.NodeShape) if (s, SH.xone, None) in g
                  or (s, SH.nodeKind, None) in g or (s, SH["class"], None) in g}  # fmt: skip
    missing = [
        str(s) for s in (constrained | node_level) - members if (s, SH.message, None) not in g
    ]
    assert missing == []


def test_the_seed_graph_conforms(built: tuple[Settings, BuildReport]) -> None:
    report = built[1]
    assert report.violations == []
    assert report.warnings == []


def test_advice_fixtures_get_exactly_the_expected_advice(tmp_path: Path) -> None:
    assert results(FIXTURES / "advice" / "advice-valid.trig", tmp_path, ADVICE) == set()
    fixture = FIXTURES / "advice" / "advice-invalid.trig"
    expected = expectations(fixture.read_text(encoding="utf-8"))
    assert expected
    assert results(fixture, tmp_path, ADVICE) == expected


def test_the_seed_graph_has_no_advice_left(built: tuple[Settings, BuildReport]) -> None:
    loaded = load(source_files(built[0].root))
    assert advise(loaded, ADVICE) == []


@pytest.mark.parametrize("name", ["advice-valid.trig", "advice-invalid.trig"])
def test_advice_about_some_files_is_the_advice_about_them(name: str, tmp_path: Path) -> None:
    """``advise(..., about=files)`` (what ``policykg check`` shows, pyshacl run only when
    Oxigraph flags a node of those files) gives the full advice's results for those files;
    the ontology's own nodes get none."""
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    data = tmp_path / name
    data.write_text(header + (FIXTURES / "advice" / name).read_text(encoding="utf-8"))
    loaded = load([*ONTOLOGY, data])
    everything = advise(loaded, ADVICE)
    assert advise(loaded, ADVICE, about=[str(data)]) == [
        a for a in everything if a.file == str(data)
    ]
    assert bool(everything) == (name == "advice-invalid.trig")
    assert advise(loaded, ADVICE, about=[str(ONTOLOGY[0])]) == []
