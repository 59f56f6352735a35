"""hypothesis: generated source files fed to ``policykg build`` (parsing, validation, writing).

A copy of the repository's ontology and graph sources is built once; then each example
adds one generated file (a TriG source in ``graph/sources/``, or a Turtle file in
``ontology/``): well-formed quads serialised by pyoxigraph, some shaped like claims that
break the shapes, some outside any named graph, or the text broken (cut short, a byte
replaced, invalid UTF-8, NUL, junk), or token soup. Each build either succeeds, and the
new store holds every quad of the file, or raises :class:`~policykg.errors.BuildError`
(never another exception) and leaves no trace: ``dist/store`` still names the same store
with the same quads, the dumps and ``policykg.nq`` are unchanged, and no staging folder
is left. ``POLICYKG_BUILD_EXAMPLES`` (12) bounds the examples; runs are derandomised.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from policykg.errors import BuildError
from policykg.graph.build import build
from policykg.graph.sources import ONTOLOGY_GRAPH
from policykg.namespaces import DEFAULT_BASE, PKG, RDF
from policykg.settings import Settings

EXAMPLES = int(os.environ.get("POLICYKG_BUILD_EXAMPLES", "12"))
BUILDS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Source:
    """A generated file: where it goes, its bytes, and the quads it was made from (None
    when the text was broken or is soup, so nothing is known about what it holds)."""

    folder: str  # "graph/sources" or "ontology"
    name: str
    data: bytes
    quads: tuple[ox.Quad, ...] | None


_IDS = st.text("abcdefgh0123456789-", min_size=1, max_size=6)
_NODES = st.one_of(
    _IDS.map(lambda s: ox.NamedNode(f"{DEFAULT_BASE}id/gen-{s}")),
    st.sampled_from([f"{DEFAULT_BASE}id/linkedin", "http://example.org/x"]).map(ox.NamedNode),
)
_PREDICATES = st.sampled_from(
    [
        RDF + "type",
        PKG + "stance",
        PKG + "modality",
        RDF + "subject",
        "http://example.org/p",
        "https://schema.org/name",
    ]
).map(ox.NamedNode)
_OBJECTS = st.one_of(
    _NODES,
    st.sampled_from([PKG + "Claim", PKG + "Asserted", PKG + "Organization"]).map(ox.NamedNode),
    st.text(max_size=24).filter(lambda t: "\x00" not in t).map(ox.Literal),
    st.sampled_from(["en", "nl"]).map(lambda lang: ox.Literal('tekst "q" \\ é', language=lang)),
    st.integers(-(10**20), 10**20).map(
        lambda i: ox.Literal(str(i), datatype=ox.NamedNode(_XSD + "integer"))
    ),
    st.just(ox.Literal("2025-02-30", datatype=ox.NamedNode(_XSD + "date"))),  # ill-typed
    st.just(ox.BlankNode("b0")),
)
_TRIPLES = st.lists(st.tuples(_NODES, _PREDICATES, _OBJECTS), min_size=1, max_size=8)
_GRAPHS = st.one_of(
    _IDS.map(lambda s: ox.NamedNode(f"{DEFAULT_BASE}graph/gen-{s}")),
    st.just(ox.DefaultGraph()),  # outside any named graph: refused in a source
)
_SOUP = st.lists(
    st.sampled_from(
        [
            "GRAPH",
            "{",
            "}",
            "<http://e/s>",
            "<bad iri>",
            '"lit"',
            '"""long',
            "@prefix",
            "p:",
            ";",
            ",",
            ".",
            "[",
            "]",
            "(",
            ")",
            "@en",
            "^^",
            "a",
            "_:b",
            "\\u00",
            "#",
            "\n",
        ]
    ),
    max_size=30,
).map(" ".join)


@st.composite
def _broken(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(st.sampled_from(["cut", "byte", "junk", "utf8", "nul"]))
    at = draw(st.integers(0, max(0, len(data) - 1)))
    if how == "cut":
        return data[:at]
    if how == "byte":
        return (
            data[:at] + draw(st.sampled_from([b"<", b"{", b"}", b'"', b"@", b"."])) + data[at + 1 :]
        )
    if how == "utf8":
        return data[:at] + b"\xff\xfe" + data[at:]
    if how == "nul":
        return data[:at] + b"\x00" + data[at:]
    return data + draw(st.sampled_from([b" <http://x", b" }}}", b' "open', b" GRAPH <g> {"]))


@st.composite
def sources(draw: st.DrawFn) -> Source:
    kind = draw(st.sampled_from(["trig", "trig", "turtle", "soup"]))
    if kind == "soup":
        return Source("graph/sources", "zz-gen.trig", draw(_SOUP).encode(), None)
    triples = [ox.Triple(*t) for t in draw(_TRIPLES)]
    if kind == "turtle":
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE)
        quads = [ox.Quad(*t, ox.NamedNode(ONTOLOGY_GRAPH)) for t in triples]
        folder, name = "ontology", "zz-gen.ttl"
    else:
        graph = draw(_GRAPHS)
        quads = [ox.Quad(*t, graph) for t in triples]
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG)
        folder, name = "graph/sources", "zz-gen.trig"
    assert data is not None
    if draw(st.booleans()):
        return Source(folder, name, draw(_broken(data)), None)
    return Source(folder, name, data, tuple(quads))


@dataclass
class Project:
    settings: Settings

    @property
    def dist(self) -> Path:
        return self.settings.dist

    def state(self) -> tuple[Path, frozenset[ox.Quad], bytes, frozenset[str]]:
        """What a failed build must not change: the store the link names and its quads,
        ``policykg.nq``, and the dumps folder's entries."""
        target = (self.dist / "store").resolve()
        store = ox.Store.read_only(str(target))
        quads = frozenset(store.quads_for_pattern(None, None, None, None))
        del store
        dumps = frozenset(str(p.relative_to(self.dist)) for p in (self.dist / "dumps").rglob("*"))
        return target, quads, (self.dist / "policykg.nq").read_bytes(), dumps

    def leftovers(self) -> list[str]:
        """Staging files and folders of builds (``.NAME.tmp-PID``) anywhere in dist."""
        return sorted(str(p) for p in self.dist.rglob("*") if ".tmp-" in p.name)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the repository's ontology and graph, built once."""
    root = tmp_path_factory.mktemp("buildfuzz")
    here = Settings().root
    shutil.copytree(here / "ontology", root / "ontology")
    shutil.copytree(here / "graph", root / "graph")
    project = Project(Settings(root=root, dist=root / "dist"))
    build(project.settings)
    return project


@BUILDS
@given(sources())
def test_a_generated_source_builds_exactly_or_fails_without_a_trace(
    project: Project, source: Source
) -> None:
    root = project.settings.root
    for folder, name in (("graph/sources", "zz-gen.trig"), ("ontology", "zz-gen.ttl")):
        (root / folder / name).unlink(missing_ok=True)
    before = project.state()
    (root / source.folder / source.name).write_bytes(source.data)
    refused: BuildError | None = None
    try:
        report = build(project.settings)
    except BuildError as exc:
        refused = exc
    if refused is not None:
        event("refused")
        assert refused.problems, refused  # each problem in plain words
        assert project.state() == before, "a failed build changed what is served"
        assert project.leftovers() == []
        return
    event("built")
    assert project.leftovers() == []
    target = (project.dist / "store").resolve()
    store = ox.Store.read_only(str(target))
    stored = set(store.quads_for_pattern(None, None, None, None))
    del store
    assert report.triples == len(stored)
    if source.quads is not None:  # every ground quad of the file is in the new store
        ground = {q for q in source.quads if not isinstance(q.object, ox.BlankNode)}
        assert ground <= stored, ground - stored
