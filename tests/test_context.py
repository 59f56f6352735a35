"""ontology/context.jsonld, the JSON-LD context the API compacts with, matches the dump prefixes."""

from __future__ import annotations

import json

from policykg.namespaces import all_prefixes
from policykg.settings import Settings


def test_context_covers_the_prefixes() -> None:
    context = json.loads(
        (Settings().root / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    )
    assert context["@context"] == all_prefixes()
