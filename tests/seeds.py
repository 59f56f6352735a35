"""The seed texts for tests: where they are, and failing (not skipping) in CI when they are missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policykg.graph.paragraphs import seeds_dir
from policykg.settings import Settings


def seed_texts() -> dict[str, str]:
    """Seed file name → text. Skips outside CI, fails in CI (CI=true), when none are found."""
    folder = seeds_dir(Settings().root)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    if not texts:
        message = f"no seed texts in {folder} (set POLICYKG_SEEDS to their folder)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return texts


def seeds_folder() -> Path:
    return seeds_dir(Settings().root)
