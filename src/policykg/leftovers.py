"""Folders left behind by killed processes: temporary stores and build staging folders.

A server started with ``--data`` loads the files into a ``policykg-store-*`` folder in
the temporary directory and removes it when it stops; ``policykg build`` writes a new
store into ``dist/stores/.DIGEST.tmp-PID`` (and its dumps into
``dist/dumps/.staging.tmp-PID``) before switching to it. A process killed with
``kill -9`` leaves these behind, so each start removes the ones whose owner is gone: a
temporary store records its owner's process id in ``owner.pid``; a staging folder's name
ends with it.

>>> pid_alive(os.getpid())
True
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

__all__ = [
    "OWNER_FILE",
    "STORE_PREFIX",
    "claim",
    "pid_alive",
    "remove_stale_staging",
    "remove_stale_stores",
]

log = logging.getLogger("policykg")

OWNER_FILE = "owner.pid"
STORE_PREFIX = "policykg-store-"
#: A temporary store without an owner file (from before owners were recorded, or one
#: being created this instant) is removed only when older than this many seconds.
UNOWNED_AGE = 600.0
_STAGING = re.compile(r"^\..*\.tmp-(\d+)$")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


def claim(folder: Path) -> None:
    """Record this process as the owner of ``folder``."""
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")


def _owner(folder: Path) -> int | None:
    try:
        return int((folder / OWNER_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def remove_stale_stores(tmp: Path | None = None) -> list[Path]:
    """Remove temporary stores whose owner is gone; return them."""
    root = Path(tmp or tempfile.gettempdir())
    removed = []
    for folder in root.glob(STORE_PREFIX + "*"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        owner = _owner(folder)
        if owner is None:
            try:
                stale = time.time() - folder.stat().st_mtime > UNOWNED_AGE
            except OSError:
                continue
        else:
            stale = not pid_alive(owner)
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if removed:
        log.info("removed %d temporary store(s) left by stopped servers", len(removed))
    return removed


def remove_stale_staging(dist: Path) -> list[Path]:
    """Remove build staging folders and links in ``dist`` whose owner is gone."""
    removed = []
    for folder in (dist, dist / "stores", dist / "dumps"):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _STAGING.match(entry.name)
            if match is None or pid_alive(int(match[1])):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
