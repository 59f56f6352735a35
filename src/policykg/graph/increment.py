"""``policykg check FILE…`` against the built graph: validate only what the files touch.

A full check (:func:`policykg.graph.build.check`) parses every source and runs SHACL over
the whole graph, which grows with the graph. This reads the new files, gathers from the
built store what the shapes can see from them (:mod:`policykg.graph.neighbourhood`), and
runs the same validation (:func:`policykg.graph.validate.validate`, the same shapes and
messages) over that part only, so its cost grows with the files checked, not with the
graph. Each result names the source file its focus node is first described in, in the
order a build reads the files, as a full build's validation does; the files' graphs in
the store are replaced by the files' contents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import rdflib
from pyoxigraph import Store

from policykg.errors import BuildError
from policykg.graph.build import BuildReport
from policykg.graph.neighbourhood import BackLinks, gather
from policykg.graph.sources import SHAPE_FILES, Loaded, load, ontology_files, resolved, term_key
from policykg.graph.validate import flagged, validate
from policykg.settings import Settings

__all__ = ["build_order", "check_against_build", "validate_against_build"]

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def _graph_file(graph: str, settings: Settings, root: Path) -> Path | None:
    """The source file a build read a graph from: ``graph/entities.trig`` or
    ``graph/sources/<the graph IRI's last segment>.trig`` under ``root`` (the resolved
    project root), as the project names them."""
    folder = root / "graph"
    if graph == settings.base_iri + "graph/entities":
        return folder / "entities.trig"
    if graph.startswith(settings.base_iri + "graph/"):
        path = folder / "sources" / f"{graph.rsplit('/', 1)[1]}.trig"
        return path if path.is_file() else None
    return None


def build_order(settings: Settings, chosen: Sequence[Path]) -> Callable[[Path], tuple[int, str]]:
    """The rank of a file in the order a build reads them (:func:`source_files`: the
    ontology, entities, then the sources, each folder by name), then the ``chosen`` files
    that are not among them, in their order; without listing the sources (a check of one
    file against 100,000 sources spent 8 of its 9 s of CPU listing, sorting and resolving
    them, twice: in the CLI and here).
    ``chosen`` and the paths ranked are resolved paths."""
    folder = settings.root.resolve()  # as the paths ranked
    ontology, sources = folder / "ontology", folder / "graph" / "sources"
    entities = folder / "graph" / "entities.trig"
    extra = {path: i for i, path in enumerate(dict.fromkeys(chosen))}

    def rank(path: Path) -> tuple[int, str]:
        if path.parent == ontology and path.suffix == ".ttl" and path.name not in SHAPE_FILES:
            return (0, path.name)
        if path == entities:
            return (1, "")
        if path.parent == sources and path.suffix == ".trig":
            return (2, path.name)
        return (3, f"{extra.get(path, len(extra)):012d}")

    return rank


def check_against_build(
    paths: Sequence[Path], settings: Settings, progress: Progress = _noop
) -> tuple[Loaded, BuildReport]:
    """Validate ``paths`` (new or changed source files) against the built store.

    Raises BuildError on syntax errors or shape violations, like a full check; the
    report's counts are those of the files' own subjects.
    """
    loaded, report = validate_against_build(paths, settings, progress)
    if report.violations:
        raise BuildError(
            f"{len(report.violations)} shape violation(s); nothing was written",
            [str(p) for p in report.violations],
        )
    return loaded, report


def validate_against_build(
    paths: Sequence[Path], settings: Settings, progress: Progress = _noop
) -> tuple[Loaded, BuildReport]:
    """What :func:`check_against_build` finds, without raising on violations: the part of
    the graph validated, and every result for the nodes the files touch."""
    store = settings.store_path
    if not store.exists():
        raise BuildError(
            f"no built graph at {store}: run 'policykg build' first, or check with --full"
        )
    chosen = [p.resolve() for p in paths]
    progress(f"reading {len(chosen)} files")
    new = load(chosen, base=settings.base_iri)
    root = settings.root.resolve()
    ontology = load(resolved(ontology_files(root)), base=settings.base_iri)
    shapes_path = settings.root / "ontology" / "shapes.ttl"
    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    skip = {settings.base_iri + "graph/asserted"} | {term_key(q.graph_name) for q in ontology.quads}
    progress("reading what the files touch from the built graph")
    part = gather(new.quads, ontology.quads, store.resolve(), skip, BackLinks.of(shapes))

    rank = build_order(settings, chosen)

    def origin(key: str) -> Path | None:
        candidates = [ontology.origin.get(key), new.origin.get(key)]
        candidates += [_graph_file(g, settings, root) for g in part.graphs_of.get(key, ())]
        known = [c for c in candidates if c is not None]
        return min(known, key=rank) if known else None

    quads = list(dict.fromkeys([*ontology.quads, *new.quads, *part.quads]))
    origins = {}
    for q in quads:
        key = term_key(q.subject)
        if key not in origins and (where := origin(key)) is not None:
            origins[key] = where
    loaded = Loaded(quads=quads, files=[*ontology.files, *new.files], origin=origins)
    progress(f"validating {len(quads)} quads against ontology/shapes.ttl")
    problems = []
    if flagged(loaded, shapes_path) & part.complete:  # else pyshacl would find nothing here
        problems = [p for p in validate(loaded, shapes_path) if p.focus in part.complete]

    mine = Store()
    mine.extend(q for q in new.quads if origins.get(term_key(q.subject)) in set(chosen))
    report = BuildReport(files=list(new.files), problems=problems)
    report.count(mine)
    return loaded, report
