"""USING clauses added to an update for the protocol's default-graph-uri/named-graph-uri."""

from __future__ import annotations

import pytest

from policykg.errors import BadRequest
from policykg.sparql.dataset import apply_using


def test_apply_using_skips_strings_delete_where_and_validates_iris() -> None:
    update = "DELETE WHERE { ?a ?b 'WHERE' } ; INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"
    assert apply_using(update, ["http://g"], ["http://n"]) == (
        "DELETE WHERE { ?a ?b 'WHERE' } ; INSERT { ?s ?p 1 } USING <http://g> "
        "USING NAMED <http://n> WHERE { ?s ?p ?o }"
    )
    with pytest.raises(BadRequest):
        apply_using(update, ["http://g> } ; DROP ALL ; #"], [])
