"""Every named query: its exact result on the seed graph, and parameters that cannot change it.

The expected rows live in expected/NAME.json. They were produced with --update-golden and
checked against the articles by hand; the competency tests state the key answers explicitly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policykg.errors import ParameterError
from policykg.kg import PolicyGraph, Rows
from policykg.settings import Settings
from policykg.sparql.queries import NamedQuery, QueryLibrary

EXPECTED = Path(__file__).parent / "expected"
# Each query's result is compared in its ORDER BY order when it has one (every ORDER BY
# here is total: ties are broken down to a unique key), as a sorted list otherwise. Labels
# are chosen with MIN(STR(...)), not SAMPLE, so no engine's choice is in a golden file.
LIBRARY = QueryLibrary.load(Settings().queries_dir)
NAMES = [q.name for q in LIBRARY]
# Columns built with GROUP_CONCAT, whose order SPARQL leaves open: compared as sets.
UNORDERED_CONCAT = {"source_ids"}


def normalise(rows: Rows, ordered: bool) -> list[list[str | None]]:
    out = []
    for record in rows:
        out.append(
            [
                " ".join(sorted(v.split())) if c in UNORDERED_CONCAT and v else v
                for c, v in record.items()
            ]
        )
    return out if ordered else sorted(out, key=lambda r: [str(v) for v in r])


def test_the_library_has_at_least_25_queries() -> None:
    assert len(LIBRARY) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_exact_result_on_the_seed_graph(
    name: str, kg: PolicyGraph, request: pytest.FixtureRequest
) -> None:
    query = LIBRARY.get(name)
    result = kg.run_named(name, {})
    assert isinstance(result, Rows), f"{name} should be a SELECT query"
    ordered = bool(re.search(r"^ORDER BY", query.sparql, re.MULTILINE))
    actual = {"ordered": ordered, "columns": result.columns, "rows": normalise(result, ordered)}
    path = EXPECTED / f"{name}.json"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual["ordered"] == expected["ordered"]  # rows compared in order, or as a set
    assert actual["columns"] == expected["columns"]
    assert actual["rows"] == expected["rows"]


@pytest.mark.parametrize(
    "name", [q.name for q in LIBRARY if any(p.type == "iri" for p in q.params)]
)
def test_an_iri_parameter_with_sparql_syntax_is_rejected(name: str, kg: PolicyGraph) -> None:
    param = next(p for p in LIBRARY.get(name).params if p.type == "iri")
    with pytest.raises(ParameterError, match=f"parameter '{param.name}' must be an absolute IRI"):
        kg.run_named(name, {param.name: "https://x.org/> } ; DROP ALL ; SELECT * { <"})


@pytest.mark.parametrize(
    "name", [q.name for q in LIBRARY if any(p.type == "iri" for p in q.params)]
)
def test_an_iri_parameter_is_bound_as_one_term(name: str, kg: PolicyGraph) -> None:
    # A legal IRI full of SPARQL punctuation is just an IRI: the query behaves exactly as it
    # does for any other unknown IRI, apart from echoing the value.
    param = next(p for p in LIBRARY.get(name).params if p.type == "iri")
    tricky, plain = "https://x.org/a'),(?s)UNION(?s?p?o.", "https://x.org/unknown"
    with_tricky = kg.run_named(name, {param.name: tricky})
    with_plain = kg.run_named(name, {param.name: plain})
    assert isinstance(with_tricky, Rows)
    assert isinstance(with_plain, Rows)
    assert [r[param.name] for r in with_tricky] == [tricky] * len(with_tricky)
    swap = [{k: (plain if v == tricky else v) for k, v in r.items()} for r in with_tricky]
    assert swap == with_plain.records


def test_a_string_parameter_with_sparql_syntax_is_a_literal(kg: PolicyGraph) -> None:
    attack = '"} ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    rows = kg.query("quote-search", text=attack)
    assert rows.records == []
    assert kg.query("quote-search", text="Dat gebeurt niet")[0]["claim"] == (
        "https://w3id.org/policykg/claim/000/openai-not-recipient"
    )


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("date", "2025-13-01", "parameter 'date' must be a date (YYYY-MM-DD), got '2025-13-01'"),
        ("date", '2025-11-10"^^<x>', "parameter 'date' must be a date (YYYY-MM-DD)"),
        ("jurisdiction", "EU", "parameter 'jurisdiction' must be an absolute IRI, got 'EU'"),
        ("nope", "1", "query 'status-as-of' has no parameter 'nope'; it takes: jurisdiction, date"),
    ],
)
def test_bad_parameters_get_clear_errors(
    kg: PolicyGraph, param: str, value: str, message: str
) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        kg.run_named("status-as-of", {param: value})


def test_header_fields_the_library_does_not_read_are_kept_as_extra() -> None:
    text = (
        "# title: Export\n"
        "# question: Every claim?\n"
        "# accept: text/csv\n"
        "# note: rows: as many as claims\n"
        "# not a field: skipped\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
        "# after: the header\n"
    )
    query = NamedQuery.parse("export", text)
    assert dict(query.extra) == {"accept": "text/csv", "note": "rows: as many as claims"}
    assert (query.title, query.question, query.tags, query.params) == (
        "Export",
        "Every claim?",
        (),
        (),
    )
