"""The build a server answers from: its version (digest) and its dumps, read once per service.

For the policy graph, ``dist/store`` links to ``dist/stores/<version>``; the dumps of that
build are in ``dist/dumps/<version>``. A server over ``--data`` files has neither.
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


def _read(service: Service) -> ServedBuild:
    store = service.source.store
    if service.source.writable or store is None:  # updatable, or a remote store: no build
        return _NONE
    version = served_version(store)
    if version is None:
        return _NONE
    folder = version_dir(service.settings, version)
    return ServedBuild(version, folder, Manifest.read(folder))


def served_build(state: Any) -> ServedBuild:
    """The build of the service in ``state`` (an app's ``state``), read on first use.

    Read once, like the store the workers loaded: a later ``policykg build`` takes effect
    when the server restarts.
    """
    service: Service | None = getattr(state, "service", None)
    if service is None:
        return _NONE
    cached: tuple[Service, ServedBuild] | None = getattr(state, "served_build", None)
    if cached is not None and cached[0] is service:
        return cached[1]
    found = _read(service)
    state.served_build = (service, found)
    return found
