"""ontology/context.jsonld, the JSON-LD context the API compacts with, matches the dump prefixes."""

from __future__ import annotations

import json

from policykg.build import PREFIXES
from policykg.settings import DEFAULT_BASE, Settings


def test_context_covers_the_prefixes() -> None:
    context = json.loads(
        (Settings().root / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    )
    own = {"id": "id/", "src": "source/", "kg": "graph/", "claim": "claim/"}
    assert context["@context"] == {**PREFIXES, **{k: DEFAULT_BASE + v for k, v in own.items()}}
