"""A build large enough to write its dump files in a second process writes the same bytes
as one that writes them all itself, and when it fails or is interrupted midway it leaves
the previous build (store, dumps, ``policykg.nq``, ``policykg.trig``) as it was and no
hidden file behind."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from policykg.graph import build as build_module
from policykg.graph.build import BuildReport, build
from policykg.linkeddata import offload
from policykg.linkeddata.dumps import dumps_dir, version_dir
from policykg.linkeddata.manifest import MANIFEST_NAME, Manifest
from policykg.settings import Settings

from .test_dumps import copy_project


def files(dist: Path) -> dict[str, bytes]:
    """Every file under ``dist`` but the stores' own (RocksDB files differ between builds)."""
    return {
        str(path.relative_to(dist)): path.read_bytes()
        for path in sorted(dist.rglob("*"))
        if path.is_file() and "stores" not in path.relative_to(dist).parts
    }


@pytest.fixture
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")


@pytest.mark.usefixtures("fixed_date")
def test_a_second_process_writes_the_same_bytes(
    built: tuple[Settings, BuildReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = Settings(dist=tmp_path / "alone")
    report = build(alone)
    assert report.triples < offload.SEPARATE_FROM  # the seed graph: one process
    assert report.offloaded_cpu == 0.0
    monkeypatch.setattr(offload, "SEPARATE_FROM", 0)
    shared = Settings(dist=tmp_path / "shared")
    second = build(shared)
    assert second.offloaded_cpu > 0.0  # the second process did its part
    written = files(shared.dist)
    assert {name for name in written if name.endswith(".gz")}  # the copies are there too
    assert written == files(alone.dist)


class Interrupted(Exception):
    """Raised in the middle of a build."""


@pytest.mark.usefixtures("fixed_date")
@pytest.mark.parametrize("where", ["_validated", "_write_store", "_switch_store"])
def test_a_build_that_fails_midway_leaves_the_previous_one(
    built: tuple[Settings, BuildReport],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """The second process is at work while the sources are validated (canonicalising) and
    when the store is written (the dumps); the switch comes after everything is written."""
    root = copy_project(built[0].root, tmp_path / "root")
    settings = Settings(root=root, dist=tmp_path / "dist")
    build(settings)
    before = files(settings.dist)
    store = settings.store_path.resolve()
    entities = root / "graph" / "entities.trig"
    text = entities.read_text(encoding="utf-8")
    entities.write_text(text.replace('"LinkedIn"@en', '"LinkedIn Corp."@en'), encoding="utf-8")
    monkeypatch.setattr(offload, "SEPARATE_FROM", 0)

    def interrupt(*_: object, **__: object) -> None:
        raise Interrupted(where)

    monkeypatch.setattr(build_module, where, interrupt)
    with pytest.raises(Interrupted):
        build(settings)
    assert files(settings.dist) == before
    assert settings.store_path.resolve() == store
    hidden = [p for p in settings.dist.rglob(".*") if "stores" not in p.parts]
    assert hidden == []
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    assert build(settings).triples > 0  # and the next build goes through
    assert files(settings.dist) != before


@pytest.mark.usefixtures("fixed_date")
def test_an_unfinished_folder_of_the_same_version_keeps_its_first_date(tmp_path: Path) -> None:
    """The network's files are written before the version is known, dated today; when a
    folder of that version was left unfinished, the build dates everything as that folder's
    manifest does (the day this data was first built), the GEXF file too."""
    settings = Settings(dist=tmp_path / "dist")
    build(settings)
    manifest = Manifest.read(dumps_dir(settings))
    assert manifest is not None
    assert manifest.modified == "2025-12-01T00:00:00Z"
    folder = version_dir(settings, manifest.version)
    (folder / "policykg.gexf").unlink()  # unfinished
    first = replace(manifest, modified="2025-06-30T12:00:00Z")
    (folder / MANIFEST_NAME).write_bytes(first.dump())
    build(settings)
    again = Manifest.read(folder)
    assert again is not None
    assert again.modified == first.modified
    gexf = (folder / "policykg.gexf").read_text(encoding="utf-8")
    assert 'lastmodifieddate="2025-06-30"' in gexf
    assert 'lastmodifieddate="2025-12-01"' not in gexf
