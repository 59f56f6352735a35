"""Dumps: the whole graph for download, written by ``policykg build`` into ``dist/dumps/``.

For each build, ``dist/dumps/<version>/`` (the version is the build's digest, the name of its
store under ``dist/stores/``) holds, each also gzip-compressed (``.gz``, deterministic: no
name and no time in the header):

- ``policykg.trig``, ``policykg.nq``, ``policykg.jsonld``: the dataset with its named graphs;
- ``policykg.ttl``, ``policykg.nt``, ``policykg.rdf``: the union of the named graphs;
- ``policykg.graphml``, ``policykg.gexf``: the claims network (as ``policykg export`` writes);
- ``void.ttl``: the dataset description (:mod:`policykg.linkeddata.void`);
- ``manifest.json``: each file's size, triple/quad count and SHA-256.

A build writes them from its new store, staged in a hidden folder moved into place once all
are written, before the ``dist/store`` link is switched; a failed build leaves the previous dumps (and store) in place.
``dist/dumps/manifest.json`` is a copy of the latest build's manifest; the previous build's
folder is kept, as its store is, for a server still reading it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import RdfFormat, Store, parse

from ..formats import GRAPHS
from ..graph.export import Exports, export
from ..kg import PolicyGraph
from ..settings import Settings
from ..sparql.queries import QueryLibrary
from .manifest import MANIFEST_NAME, DumpFile, Manifest
from .void import Statistics, describe, description_turtle, statistics

__all__ = [
    "DUMP_FILES",
    "VOID_NAME",
    "StagedDumps",
    "dumps_dir",
    "publish",
    "served_version",
    "stage",
    "version_dir",
]

#: The dataset description's file name among the dumps.
VOID_NAME = "void.ttl"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Spec:
    name: str
    format: str
    media_type: str
    holds: str  # "dataset", "union" or "network"
    description: str


def _rdf(name: str, holds: str, description: str) -> _Spec:
    """A file in an RDF format: its format name and media type are those of
    :data:`policykg.formats.GRAPHS` for its extension."""
    fmt = GRAPHS.for_path(name)
    assert fmt is not None, name
    return _Spec(name, fmt.rdf.name, fmt.media_type, holds, description)


#: The files written from the graph, in the order they are listed.
DUMP_FILES = (
    _rdf("policykg.trig", "dataset", "The whole dataset with its named graphs."),
    _rdf("policykg.nq", "dataset", "The whole dataset with its named graphs, one quad a line."),
    _rdf("policykg.jsonld", "dataset",
         "The whole dataset with its named graphs, as expanded JSON-LD."),
    _rdf("policykg.ttl", "union", "The union of the named graphs."),
    _rdf("policykg.nt", "union", "The union of the named graphs, one triple a line."),
    _rdf("policykg.rdf", "union", "The union of the named graphs."),
    _Spec("policykg.graphml", "GraphML", "application/graphml+xml", "network",
          "The claims network: entities as nodes, an edge per subject, property and object."),
    _Spec("policykg.gexf", "GEXF", "application/gexf+xml", "network",
          "The claims network: entities as nodes, an edge per subject, property and object."),
)  # fmt: skip
_VOID = _rdf(VOID_NAME, "description", "The dataset description (VoID, DCAT, schema.org).")
_GZIP = "application/gzip"


@dataclass(frozen=True)
class StagedDumps:
    """Dumps written and waiting to be published (or an existing, complete folder reused)."""

    folder: Path
    manifest: Manifest
    reused: bool


def dumps_dir(settings: Settings) -> Path:
    """``dist/dumps``: one folder per build version, and the latest manifest."""
    return settings.dist / "dumps"


def version_dir(settings: Settings, version: str) -> Path:
    return dumps_dir(settings) / version


def served_version(store: Path) -> str | None:
    """The version of the build whose store ``store`` is (its ``dist/store`` link, or the
    ``dist/stores/<version>`` folder the link pointed at when the server started), if any."""
    target = store.resolve()
    return target.name if target.parent.name == "stores" and target.is_dir() else None


def _now() -> str:
    """Now, UTC, to the second; ``SOURCE_DATE_EPOCH`` fixes it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch) if epoch else time.time(), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _gzip(path: Path) -> Path:
    """``path.gz`` beside ``path``, byte-identical for the same input (mtime 0, no name).

    Level 6 (zlib's default): at 10k claims level 9 took 2.8 times the CPU for 11 % less.
    """
    target = path.with_name(path.name + ".gz")
    with (
        path.open("rb") as source,
        target.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
    ):
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def _entries(path: Path, spec: _Spec, counts: DumpFile) -> list[DumpFile]:
    """The manifest entries of a file and of its gzip copy (written here).

    ``counts`` carries the file's triples, quads, nodes and edges.
    """
    plain = replace(
        counts,
        name=spec.name,
        format=spec.format,
        media_type=spec.media_type,
        size=path.stat().st_size,
        sha256=_sha256(path),
        description=spec.description,
    )
    packed = _gzip(path)
    return [
        plain,
        replace(
            plain,
            name=packed.name,
            media_type=_GZIP,
            encoding="gzip",
            content_type=spec.media_type,
            size=packed.stat().st_size,
            sha256=_sha256(packed),
            description=f"{spec.description} Gzip-compressed.",
        ),
    ]


def _counts(
    *,
    triples: int | None = None,
    quads: int | None = None,
    nodes: int | None = None,
    edges: int | None = None,
) -> DumpFile:
    """A blank entry holding only counts, for :func:`_entries` to fill in."""
    return DumpFile("", "", "", None, 0, "", triples=triples, quads=quads, nodes=nodes, edges=edges)


def _complete(folder: Path, manifest: Manifest) -> bool:
    """Whether ``folder`` holds every file a build writes, at the sizes its manifest states."""
    wanted = {s.name for s in (*DUMP_FILES, _VOID)}
    wanted |= {name + ".gz" for name in wanted}
    if {f.name for f in manifest.files} != wanted:
        return False
    return all(
        (folder / f.name).is_file() and (folder / f.name).stat().st_size == f.size
        for f in manifest.files
    )


def _write_files(
    folder: Path, store: Store, nquads: bytes, settings: Settings, stats: Statistics, day: str
) -> list[DumpFile]:
    """The RDF and network files: the dataset formats from ``nquads`` (the on-disk store's
    dump, in its order), the network from ``store`` (its copy in memory); the GEXF file is
    dated ``day``, the build's."""
    from ..network.filters import Filters

    graph = PolicyGraph(store, QueryLibrary.load(settings.queries_dir))
    shared = Exports(nquads=nquads)  # the union and the network, made once for all the files
    quads = len(store)
    network = shared.view(graph, Filters(include_corrected=False))
    files: list[DumpFile] = []
    for spec in DUMP_FILES:
        path = export(graph, folder / spec.name, shared=shared, date=day)
        if spec.holds == "network":
            counts = _counts(nodes=network.number_of_nodes(), edges=network.number_of_edges())
        else:
            counts = _counts(
                triples=stats.triples, quads=quads if spec.holds == "dataset" else None
            )
        files.extend(_entries(path, spec, counts))
    return files


def stage(settings: Settings, store: Path, version: str, progress: Progress) -> StagedDumps:
    """Write the dumps of the on-disk ``store`` into a hidden staging folder under ``dist/dumps``.

    They are written from the store the build made, so they are the files ``policykg export``
    writes from it.
    A complete folder for the same version is reused as it is (its date stays the date
    this data was first built).
    """
    root = dumps_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    target = root / version
    existing = Manifest.read(target) if target.is_dir() else None
    if existing is not None and _complete(target, existing):
        return StagedDumps(target, existing, reused=True)
    modified = existing.modified if existing is not None else _now()
    staging = root / f".{version}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        manifest = _write(staging, settings, store, version, modified, progress)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return StagedDumps(staging, manifest, reused=False)


def _read(path: Path) -> tuple[Store, bytes]:
    """The on-disk store at ``path`` read once: its N-Quads dump (in the store's order, which
    the dataset dumps keep) and a copy in memory made from it, whose queries (the network,
    the statistics) run several times faster than on disk.

    ``bulk_extend`` keeps the blank nodes' labels, so the copy holds the same quads.
    """
    nquads = Store.read_only(str(path)).dump(format=RdfFormat.N_QUADS)
    assert nquads is not None  # no output file given: pyoxigraph returns the bytes
    store = Store()
    store.bulk_extend(parse(nquads, format=RdfFormat.N_QUADS))
    return store, nquads


def _write(
    folder: Path,
    settings: Settings,
    path: Path,
    version: str,
    modified: str,
    progress: Progress,
) -> Manifest:
    progress("writing the dumps")
    store, nquads = _read(path)
    stats = statistics(store)
    files = _write_files(folder, store, nquads, settings, stats, modified[:10])
    del nquads
    progress("describing the dataset")
    void = describe(
        store,
        base_iri=settings.base_iri,
        version=version,
        modified=modified,
        files=files,
        stats=stats,
    )
    (folder / VOID_NAME).write_bytes(description_turtle(void))
    files.extend(_entries(folder / VOID_NAME, _VOID, _counts(triples=len(void))))
    manifest = Manifest(version, modified, tuple(files))
    (folder / MANIFEST_NAME).write_bytes(manifest.dump())
    return manifest


def publish(settings: Settings, staged: StagedDumps) -> Path:
    """Move staged dumps into ``dist/dumps/<version>``, update the latest manifest, prune.

    Kept: this version and the one published before it.
    """
    root = dumps_dir(settings)
    version = staged.manifest.version
    target = root / version
    if not staged.reused:
        old = root / f".{version}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(staged.folder, target)
        shutil.rmtree(old, ignore_errors=True)
    latest = Manifest.read(root)
    keep = {version, latest.version if latest is not None else version}
    tmp = root / f".{MANIFEST_NAME}.tmp-{os.getpid()}"
    tmp.write_bytes(staged.manifest.dump())
    os.replace(tmp, root / MANIFEST_NAME)
    for folder in root.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    return target
