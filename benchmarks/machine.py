"""The machine a run was taken on: CPUs, memory, versions, commit and load average."""

from __future__ import annotations

import contextlib
import importlib.metadata
import math
import os
import platform
import subprocess
from pathlib import Path

__all__ = ["PACKAGES", "loadavg", "machine_info", "versions"]

ROOT = Path(__file__).resolve().parent.parent

#: Distributions whose versions go into the record.
PACKAGES = ("policykg", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "fastapi", "uvicorn")


def loadavg() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def versions(machine: dict[str, object]) -> str:
    """``name version, …`` of the packages in a :func:`machine_info` record."""
    packages = machine["packages"]
    assert isinstance(packages, dict)
    return ", ".join(f"{k} {v}" for k, v in packages.items())


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "?"


def _memory() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout
        line = next((ln for ln in free.splitlines() if ln.startswith("Mem:")), None)
        if line:
            return "total " + line.split()[1]
    return "?"


def _commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    return "?"


def machine_info() -> dict[str, object]:
    """CPUs, memory, kernel, Python, package versions and the commit measured."""
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": {d: _version(d) for d in PACKAGES},
        "commit": _commit(),
    }
