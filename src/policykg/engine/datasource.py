"""The store a server answers from: the built policy graph, or ``--data`` files.

>>> rdf_format(Path("facts.ttl")), rdf_format(Path("dump.nq"))
('turtle', 'nquads')
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykg.engine.pool import Engine
from policykg.errors import BadRequest, BuildError
from policykg.formats import GRAPHS
from policykg.leftovers import STORE_PREFIX, claim, remove_stale_staging, remove_stale_stores
from policykg.progress import Progress
from policykg.settings import Settings

__all__ = ["DataSource", "jsonld_context", "prepare", "rdf_format"]

log = logging.getLogger("policykg")


@dataclass
class DataSource:
    """Where the store is, whether the default graph is the union, whether it may change."""

    store: Path
    union: bool
    writable: bool
    tempdir: tempfile.TemporaryDirectory[str] | None = None

    def cleanup(self) -> None:
        if self.tempdir is not None:
            self.tempdir.cleanup()


def rdf_format(path: Path) -> str:
    """The format name of an RDF file, from its extension."""
    fmt = GRAPHS.for_path(path)
    if fmt is None:
        known = ", ".join(
            sorted(f".{e}" for f in GRAPHS.formats for e in (f.extension, *f.extensions))
        )
        raise BadRequest(f"{path}: unknown RDF file extension; use one of {known}")
    return fmt.name


async def prepare(
    settings: Settings, data: Sequence[Path] = (), progress: Progress = lambda _: None
) -> DataSource:
    """Load ``data`` into a fresh on-disk store, or use (building if needed) the policy graph.

    With updates enabled and no ``data``, the store at ``settings.store_path`` is written
    to (created empty if missing), and writes are kept; with ``data`` they go to a
    temporary copy, which is said in the log. Temporary stores and build staging
    folders left by killed processes are removed first (see :mod:`policykg.leftovers`).

    The policy graph's default graph is the union of its named graphs; ``data``'s is the
    files' own default graph unless ``settings.union_default_graph``.
    """
    remove_stale_stores()
    remove_stale_staging(settings.dist)
    if data:
        files = [(str(Path(p).resolve()), rdf_format(Path(p))) for p in data]
        for path, _ in files:
            if not Path(path).is_file():
                raise BadRequest(f"{path}: no such file")
        tempdir = tempfile.TemporaryDirectory(prefix=STORE_PREFIX)
        claim(Path(tempdir.name))
        store = Path(tempdir.name) / "store"
        progress(f"loading {len(files)} file(s) into a store")
        try:
            await Engine.load(store, files)
        except BaseException:
            tempdir.cleanup()
            raise
        if settings.enable_update:
            log.warning(
                "updates go to a temporary copy of the --data files and are lost when the "
                "server stops; serve --enable-update --store DIR keeps them"
            )
        union = settings.union_default_graph
        return DataSource(store, union=union, writable=True, tempdir=tempdir)
    if settings.enable_update:
        store = settings.store_path
        if not store.exists():
            log.info("creating an empty store at %s for updates", store)
            store.parent.mkdir(parents=True, exist_ok=True)
            await Engine.load(store, [])
        log.warning("updates are written to %s and kept", store)
        return DataSource(store, union=settings.union_default_graph, writable=True)
    if not settings.store_path.exists():
        try:
            from policykg.graph.build import build  # type: ignore[attr-defined,unused-ignore]
        except ImportError:
            raise BuildError(
                f"{settings.store_path} does not exist and this checkout cannot build it yet "
                "(policykg.graph.build is missing); run 'policykg build' or pass --data FILE"
            ) from None
        progress(f"no store at {settings.store_path}: building the policy graph")
        await asyncio.to_thread(build, settings, progress)
    # The link's target, once: every worker started later (after a time-out, a crash) opens
    # the same store as the first, even if ``policykg build`` switches the link meanwhile.
    return DataSource(settings.store_path.resolve(), union=True, writable=False)


def jsonld_context(settings: Settings) -> dict[str, Any] | None:
    """The project's JSON-LD context (``ontology/context.jsonld``), inline only, or None."""
    path = settings.root / "ontology" / "context.jsonld"
    if not path.is_file():
        return None
    context = json.loads(path.read_text(encoding="utf-8")).get("@context")
    return context if isinstance(context, dict) else None
