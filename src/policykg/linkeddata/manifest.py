"""The dumps manifest: each file a build writes for download, with its size, counts and SHA-256.

A build writes its dumps into ``dist/dumps/<version>/`` with a ``manifest.json`` beside them;
the version is the build's digest (the name of its store in ``dist/stores/``).

>>> entry = DumpFile("policykg.ttl", "Turtle", "text/turtle", None, 10, "ab" * 32, triples=3)
>>> DumpFile.from_json(entry.to_json()) == entry
True
>>> Manifest.from_json(Manifest("v1", "2026-01-01T00:00:00Z", (entry,)).to_json()).files[0].name
'policykg.ttl'
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST_NAME", "DumpFile", "Manifest"]

#: The manifest's file name, in each version's folder and (a copy of the latest) in dist/dumps.
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class DumpFile:
    """One downloadable file.

    ``encoding`` is ``"gzip"`` for the compressed copy of a file (its ``media_type`` is then
    ``application/gzip``, and ``content_type`` the type of what it holds). RDF files state
    ``triples`` (distinct triples of their union) and, when they keep the named graphs,
    ``quads``; GraphML and GEXF files state ``nodes`` and ``edges``.
    """

    name: str
    format: str
    media_type: str
    encoding: str | None
    size: int
    sha256: str
    content_type: str | None = None
    triples: int | None = None
    quads: int | None = None
    nodes: int | None = None
    edges: int | None = None
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DumpFile:
        return cls(**data)

    @property
    def is_rdf(self) -> bool:
        return self.triples is not None


@dataclass(frozen=True)
class Manifest:
    """The dumps of one build: its version (digest), when it was made, and its files."""

    version: str
    modified: str
    files: tuple[DumpFile, ...] = field(default_factory=tuple)

    def file(self, name: str) -> DumpFile | None:
        """The entry named ``name``, or None: only listed files are ever served."""
        return next((f for f in self.files if f.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "modified": self.modified,
            "files": [f.to_json() for f in self.files],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        files = tuple(DumpFile.from_json(f) for f in data["files"])
        return cls(str(data["version"]), str(data["modified"]), files)

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest in ``folder``, or None when there is none."""
        path = folder / MANIFEST_NAME
        if not path.is_file():
            return None
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def dump(self) -> bytes:
        return (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode()
