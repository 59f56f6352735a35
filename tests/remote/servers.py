"""Real triplestores for the remote tests: ``oxigraph serve`` and Virtuoso 7 on loopback.

The servers are started and stopped by :mod:`policykg.remote.launch` (free loopback ports,
a folder of their own, the process group killed on exit); here the binary is found, and a
missing one skips, except under ``CI=true`` where it fails (as the browser tests do). A
server that exits or does not answer fails the test with its log.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from policykg.remote import launch
from policykg.remote.launch import RemoteServer, free_port

__all__ = ["RemoteServer", "free_port", "need", "oxigraph_server", "virtuoso_server"]


def need(binary: str, hint: str) -> str:
    """The path of ``binary``; skip without it, or fail under ``CI=true``."""
    found = shutil.which(binary) or shutil.which(binary, path=str(Path(sys.executable).parent))
    if found is None:
        reason = f"{binary} not found; {hint}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)
    return found


@contextmanager
def _failing_the_test() -> Iterator[None]:
    try:
        yield
    except launch.ServerFailed as exc:
        pytest.fail(str(exc))


@contextmanager
def oxigraph_server(folder: Path, *, union_default_graph: bool = False) -> Iterator[RemoteServer]:
    """``oxigraph serve --location FOLDER/data`` on a free loopback port."""
    binary = need("oxigraph", "install the dev dependencies (scripts/install-python --dev)")
    with (
        _failing_the_test(),
        launch.oxigraph_server(binary, folder, union_default_graph=union_default_graph) as server,
    ):
        yield server


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[RemoteServer]:
    """Virtuoso 7 (``virtuoso-t +foreground``) with a fresh database in ``folder``."""
    binary = need("virtuoso-t", "run scripts/install-debian (as root): virtuoso-opensource")
    with _failing_the_test(), launch.virtuoso_server(binary, folder) as server:
        yield server
