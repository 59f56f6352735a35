"""``policykg build``: sources → validated dataset → on-disk store and dumps.

Nothing is switched in unless the sources parse and conform to the shapes (what is written
before the shapes are checked has a hidden name, and is removed). The store is built in
a fresh folder and switched in with one atomic rename of the ``dist/store`` link, so a
failed build leaves the last good store (and any server reading it) untouched. The full-text
index (:mod:`policykg.search.index`) is written beside the store before the switch and found
through the same link, so it always belongs to the store it is read with. Dumps are
canonical: blank nodes get RDFC-1.0 labels and quads are sorted, so two builds of the same
input are byte-identical (:mod:`policykg.graph.canonical`; a large build canonicalises in
its second process while this one validates).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

from policykg.errors import BuildError
from policykg.graph.canonical import canonical_file, nquads_text
from policykg.graph.sources import Loaded, load, read, source_files, term_key
from policykg.graph.validate import Problem, validate, validate_fast
from policykg.leftovers import remove_stale_staging
from policykg.namespaces import PKG, PROV, RDF
from policykg.settings import Settings

__all__ = [
    "BuildReport",
    "asserted_statements",
    "build",
    "check",
]

RDF_TYPE = RDF + "type"
CLAIM = PKG + "Claim"
SEED = PKG + "seedFile"
#: The statements of :func:`asserted_statements`, in every graph.
_ASSERTED = """
CONSTRUCT { ?s ?p ?o } WHERE {
  ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pkg:stance ?stance .
  FILTER (?stance IN (pkg:Asserted, pkg:ReportedSpeech) && isIRI(?p))
  FILTER NOT EXISTS { ?claim prov:wasInvalidatedBy ?correction }
  FILTER NOT EXISTS { ?claim pkg:modality ?modality }
}"""

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build or check read, found and wrote."""

    files: list[Path] = field(default_factory=list)
    sources: int = 0
    claims: int = 0
    triples: int = 0
    graphs: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    offloaded_cpu: float = 0.0  # CPU seconds of the build's second process, if it had one

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "violation"]

    def count(self, store: Store) -> None:
        """Set the counts of triples, graphs, claims and sources to those of ``store``."""
        self.triples = len(store)
        default = next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None)
        self.graphs = sum(1 for _ in store.named_graphs()) + (default is not None)
        claims = store.quads_for_pattern(None, NamedNode(RDF_TYPE), NamedNode(CLAIM), None)
        self.claims = sum(1 for _ in claims)
        self.sources = sum(1 for _ in store.quads_for_pattern(None, NamedNode(SEED), None, None))


def _noop(_: str) -> None:
    return None


def check(
    paths: Sequence[Path],
    settings: Settings,
    progress: Progress = _noop,
    *,
    focus: Sequence[Path] = (),
) -> tuple[Loaded, BuildReport]:
    """Parse and validate ``paths``; raise BuildError on syntax errors or shape violations.

    With ``focus``, the counts and problems are those of the focus files only (the other paths
    are the context they are checked in), so a curator sees what their new file adds.
    """
    progress(f"reading {len(paths)} files")
    loaded = load(paths, base=settings.base_iri)
    store = Store()
    store.bulk_extend(loaded.quads)
    return loaded, _validated(store, loaded.origin, loaded.files, settings, progress, focus)


def _validated(
    store: Store,
    origin: Mapping[str, Path],
    files: Sequence[Path],
    settings: Settings,
    progress: Progress,
    focus: Sequence[Path] = (),
) -> BuildReport:
    """Validate the sources ``files``, whose quads ``store`` holds (and nothing else), and
    whose subjects ``origin`` says the first file of: the report of :func:`check`, or
    BuildError on a violation."""
    shapes = settings.root / "ontology" / "shapes.ttl"
    if settings.full_validation:
        progress("validating against ontology/shapes.ttl (pyshacl over the whole graph)")
        problems = validate(Loaded(list(store), list(files), origin), shapes)
    else:
        progress("validating against ontology/shapes.ttl")
        problems = validate_fast(store, shapes, origin)
    chosen = {str(p) for p in focus}
    report = BuildReport(files=list(files))
    if chosen:
        problems = [p for p in problems if p.file in chosen]
        mine = Store()
        mine.extend(q for q in store if str(origin.get(term_key(q.subject))) in chosen)
        report.count(mine)
    else:
        report.count(store)
    report.problems = problems
    if report.violations:
        raise BuildError(
            f"{len(report.violations)} shape violation(s); nothing was written",
            [str(p) for p in report.violations],
        )
    return report


def asserted_statements(store: Store, graph: NamedNode) -> list[Quad]:
    """The triple of every claim in ``store`` that is asserted or reported, and not corrected,
    as a plain quad.

    This "truthy" view (as Wikidata calls it) lets researchers follow property paths such as
    ownership chains; the claims remain the record of who said what. Only the stances
    pkg:Asserted and pkg:ReportedSpeech count: allegations, denials, hedged statements and the
    curators' inferences (pkg:Inferred) stay out, and so do claims that say only that something
    may be so (pkg:modality).
    """
    found = store.query(
        _ASSERTED, use_default_graph_as_union=True, prefixes={"pkg": PKG, "prov": PROV, "rdf": RDF}
    )
    out = {Quad(t.subject, t.predicate, t.object, graph) for t in found}  # type: ignore[union-attr]
    return sorted(out, key=str)


def _write_store(dist: Path, nquads: Path, digest: str) -> Path:
    """The store of the N-Quads file ``nquads`` under ``dist/stores/<digest>``."""
    stores = dist / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(dist)  # left by builds that were killed
    target = stores / digest
    if not target.exists():
        staging = stores / f".{digest}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        store = Store(str(staging))
        # bulk_extend keeps the canonical blank-node labels (bulk_load would rename them)
        store.bulk_extend(parse(path=str(nquads), format=RdfFormat.N_QUADS))
        store.flush()
        store.optimize()
        del store
        os.replace(staging, target)
    return target


def _switch_store(dist: Path, target: Path) -> Path:
    stores = dist / "stores"
    digest = target.name
    link = dist / "store"
    tmp_link = dist / f".store.tmp-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(Path("stores") / digest)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a store from before links were used
    previous = link.resolve() if link.is_symlink() else None
    os.replace(tmp_link, link)
    kept = {target.name, previous.name if previous else None}
    for old in stores.iterdir():  # keep the new store and the one before it, with their indexes
        if old.name.split(".")[0] not in kept and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return link


def build(settings: Settings, progress: Progress = _noop) -> BuildReport:
    """Build the policy graph from ``settings.root`` into ``settings.dist``.

    Raises BuildError (with each problem in plain words) and writes nothing when the sources
    do not parse or violate the shapes. From :data:`~policykg.linkeddata.offload.SEPARATE_FROM`
    quads on, a second process canonicalises while this one validates and writes the
    network's files, and writes the RDF dumps while this one writes the store and its
    search index;
    everything is written under hidden names and switched in at the end, so a build that
    fails or is killed leaves the last one in place.
    """
    from policykg.linkeddata.dumps import Staging, publish  # the query engine: not for checks
    from policykg.linkeddata.offload import SEPARATE_FROM, Offload
    from policykg.search.index import index_path, index_store

    paths = source_files(settings.root)
    progress(f"reading {len(paths)} files")
    sources = read(paths, base=settings.base_iri)
    memory = sources.store  # validated, then asked for the network's dumps
    progress("deriving the graph of asserted statements")
    asserted = asserted_statements(memory, NamedNode(settings.base_iri + "graph/asserted"))
    dist = settings.dist
    made_dist = not dist.exists()
    dist.mkdir(parents=True, exist_ok=True)
    final = {name: dist / name for name in ("policykg.nq", "policykg.trig")}
    hidden = {name: dist / f".{name}.tmp-{os.getpid()}" for name in (*final, "raw.nq")}
    staging: Staging | None = None
    try:
        with hidden["raw.nq"].open("wb") as raw:
            memory.dump(raw, format=RdfFormat.N_QUADS)
            raw.write(nquads_text(asserted))
        separate = len(memory) + len(asserted) >= SEPARATE_FROM
        with Offload(separate=separate) as offload:
            # canonicalised by the second process while this one validates
            canonical = offload.submit(
                canonical_file, str(hidden["raw.nq"]), str(hidden["policykg.nq"])
            )
            report = _validated(memory, sources.origin, sources.files, settings, progress)
            memory.extend(asserted)  # the network's queries read the asserted graph too
            del sources, asserted
            staging = Staging(settings, offload)
            progress("writing the network's files")
            staging.draw(memory)  # while the second process canonicalises
            progress("canonicalising")
            made = canonical.result()
            hidden["raw.nq"].unlink()
            report.triples, report.graphs, digest = made.quads, made.graphs, made.digest
            staging.begin(digest, hidden["policykg.nq"], made.quads)
            progress("writing the store")
            target = _write_store(dist, hidden["policykg.nq"], digest)
            progress("writing the search index")  # the store's, switched in with it
            index_store(memory, index_path(target))
            staged = staging.finish(target, memory, progress)
            shutil.copyfile(staged.folder / "policykg.trig", hidden["policykg.trig"])
        report.offloaded_cpu = offload.cpu
        report.written.append(_switch_store(dist, target))
        report.written.append(publish(settings, staged))
        staging.discard()  # what is left of it: the network's files, when the dumps were reused
        for name, path in final.items():
            os.replace(hidden[name], path)
            report.written.append(path)
    except BaseException:
        if staging is not None:
            staging.discard()  # (once published, the folder is no longer there)
        for path in hidden.values():
            path.unlink(missing_ok=True)
        if made_dist:
            with contextlib.suppress(OSError):  # left as it was: not there
                dist.rmdir()
        raise
    return report
