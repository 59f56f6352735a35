"""Dumps: the whole graph for download, written by ``policykg build`` into ``dist/dumps/``.

For each build, ``dist/dumps/<version>/`` (the version is the build's digest, the name of its
store under ``dist/stores/``) holds, each also gzip-compressed (``.gz``, deterministic: no
name and no time in the header):

- ``policykg.trig``, ``policykg.nq``, ``policykg.jsonld``: the dataset with its named graphs;
- ``policykg.ttl``, ``policykg.nt``, ``policykg.rdf``: the union of the named graphs;
- ``policykg.graphml``, ``policykg.gexf``: the claims network (as ``policykg export`` writes);
- ``void.ttl``: the dataset description (:mod:`policykg.linkeddata.void`);
- ``manifest.json``: each file's size, triple/quad count and SHA-256.

A build writes them from its canonical N-Quads (:class:`Staging`), the files a
``policykg export`` of its store writes, staged in a hidden folder moved into place once all
are written, before the ``dist/store`` link is switched; a failed build leaves the previous
dumps (and store) in place. A large build has a second process write them
(:mod:`policykg.linkeddata.offload`) while it writes its store.
``dist/dumps/manifest.json`` is a copy of the latest build's manifest; the previous build's
folder is kept, as its store is, for a server still reading it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Store

from ..formats import GRAPHS
from ..settings import Settings
from .dumpfiles import NetworkFiles, Written, dataset_files, network_files, union_files
from .dumpfiles import written as written_file
from .manifest import MANIFEST_NAME, DumpFile, Manifest
from .offload import Offload
from .void import Statistics, describe, description_turtle, statistics

__all__ = [
    "DUMP_FILES",
    "VOID_NAME",
    "StagedDumps",
    "Staging",
    "dumps_dir",
    "publish",
    "served_version",
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


def _entries(spec: _Spec, counts: DumpFile, files: Written) -> list[DumpFile]:
    """The manifest entries of a file and of its gzip copy.

    ``counts`` carries the file's triples, quads, nodes and edges.
    """
    plain = replace(
        counts,
        name=spec.name,
        format=spec.format,
        media_type=spec.media_type,
        size=files.size,
        sha256=files.sha256,
        description=spec.description,
    )
    return [
        plain,
        replace(
            plain,
            name=spec.name + ".gz",
            media_type=_GZIP,
            encoding="gzip",
            content_type=spec.media_type,
            size=files.packed_size,
            sha256=files.packed_sha256,
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


def _names(holds: str) -> tuple[str, ...]:
    return tuple(spec.name for spec in DUMP_FILES if spec.holds == holds)


class Staging:
    """The dumps of one build, written into a hidden staging folder under ``dist/dumps``.

    Made as soon as the build has validated its sources: :meth:`draw` writes the network's
    files from the validated store while the build's second process canonicalises.
    :meth:`begin`, given the canonical N-Quads (``nquads``, a file) and so the version, has
    ``offload`` write the RDF dumps from them while the build writes its store (they are the
    files ``policykg export`` writes from that store: a test compares the bytes).
    :meth:`finish` waits for them and writes the description. A complete folder for the
    same version is reused as it is (its date stays the date this data was first built).
    """

    def __init__(self, settings: Settings, offload: Offload) -> None:
        self.settings, self.offload = settings, offload
        root = dumps_dir(settings)
        root.mkdir(parents=True, exist_ok=True)
        self.folder = root / f".staging.tmp-{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir()
        self.version = ""
        self.modified = _now()
        self.reused: Manifest | None = None
        self.quads = 0  # the lines of the canonical N-Quads
        self._drawn: NetworkFiles | None = None
        self._dataset: Future[dict[str, Written]] | None = None
        self._union: Future[tuple[dict[str, Written], Statistics | None]] | None = None

    def draw(self, memory: Store) -> None:
        """Write the network's files from ``memory`` (the dataset in a store in memory, in
        any order, with any blank-node labels: the network's queries depend on neither)."""
        self._drawn = network_files(
            memory,
            self.folder,
            _names("network"),
            self.settings.queries_dir,
            self.modified[:10],  # the GEXF file's date
        )

    def begin(self, version: str, nquads: Path, quads: int) -> None:
        """Start writing the RDF dumps of version ``version`` from the canonical N-Quads
        ``nquads`` (``quads`` lines), unless a complete folder of it is there to reuse."""
        self.version, self.quads = version, quads
        target = dumps_dir(self.settings) / version
        existing = Manifest.read(target) if target.is_dir() else None
        if existing is not None and _complete(target, existing):
            self.reused = existing
            return
        if existing is not None:
            self.modified = existing.modified  # the date this data was first built
        dataset = self.folder / "policykg.nq"
        shutil.copyfile(nquads, dataset)
        folder, source = str(self.folder), str(dataset)
        self._dataset = self.offload.submit(dataset_files, folder, source, _names("dataset"))
        self._union = self.offload.submit(union_files, folder, source, _names("union"))

    def finish(self, store: Path, memory: Store, progress: Progress) -> StagedDumps:
        """Wait for the dumps, then write the description (counted from the dumps' text,
        or, where a graph is a blank node, by queries on the on-disk ``store``). The
        network is drawn again from ``memory`` if its date turned out to be another."""
        if self.reused is not None:
            return StagedDumps(dumps_dir(self.settings) / self.version, self.reused, reused=True)
        assert self._union is not None
        assert self._dataset is not None
        progress("writing the dumps")
        if self._drawn is None or self._drawn.day != self.modified[:10]:
            self.draw(memory)
        drawn = self._drawn
        assert drawn is not None
        union, counted = self._union.result()
        written_all = {**union, **self._dataset.result(), **drawn.files}
        stats = counted or statistics(Store.read_only(str(store)))
        files: list[DumpFile] = []
        for spec in DUMP_FILES:
            if spec.holds == "network":
                counts = _counts(nodes=drawn.nodes, edges=drawn.edges)
            else:
                holds_quads = self.quads if spec.holds == "dataset" else None
                counts = _counts(triples=stats.triples, quads=holds_quads)
            files.extend(_entries(spec, counts, written_all[spec.name]))
        progress("describing the dataset")
        void = describe(
            base_iri=self.settings.base_iri,
            version=self.version,
            modified=self.modified,
            files=files,
            stats=stats,
        )
        (self.folder / VOID_NAME).write_bytes(description_turtle(void))
        files.extend(
            _entries(_VOID, _counts(triples=len(void)), written_file(self.folder / VOID_NAME))
        )
        manifest = Manifest(self.version, self.modified, tuple(files))
        (self.folder / MANIFEST_NAME).write_bytes(manifest.dump())
        return StagedDumps(self.folder, manifest, reused=False)

    def discard(self) -> None:
        """Remove the staging folder (a build that failed, or one whose dumps were reused)."""
        shutil.rmtree(self.folder, ignore_errors=True)


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
