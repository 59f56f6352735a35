"""The build a server answers from: its version (digest) and its dumps.

For the policy graph, ``dist/store`` links to ``dist/stores/<version>``; the dumps of that
build are in ``dist/dumps/<version>``. Over a remote store written by ``policykg publish``
the build is the version published there as current, and its dumps are served when this
server's ``dist/`` has them (the publisher's ``dist/``, or a copy). A server over ``--data``
files, with updates enabled, or over a remote store nothing was published to has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykg.linkeddata.dumps import served_version, version_dir
from policykg.linkeddata.manifest import Manifest

from .service import Service

__all__ = ["ServedBuild", "served_build"]


@dataclass(frozen=True)
class ServedBuild:
    """The served build's version, and its dumps folder and manifest (None when absent)."""

    version: str | None = None
    folder: Path | None = None
    manifest: Manifest | None = None


_NONE = ServedBuild()


def _read(service: Service, published: str | None) -> ServedBuild:
    if service.source.writable:  # updates may change the data: no build's
        return _NONE
    store = service.source.store
    version = published if store is None else served_version(store)
    if version is None:
        return _NONE
    folder = version_dir(service.settings, version)
    return ServedBuild(version, folder, Manifest.read(folder))


def served_build(state: Any) -> ServedBuild:
    """The build of the service in ``state`` (an app's ``state``), read on first use and
    again when a remote store's current version changes.

    An embedded store's is read once, like the store the workers loaded: a later
    ``policykg build`` takes effect when the server restarts.
    """
    service: Service | None = getattr(state, "service", None)
    if service is None:
        return _NONE
    published = service.engine.published_version
    cached: tuple[Service, str | None, ServedBuild] | None = getattr(state, "served_build", None)
    if cached is not None and cached[0] is service and cached[1] == published:
        return cached[2]
    found = _read(service, published)
    state.served_build = (service, published, found)
    return found
