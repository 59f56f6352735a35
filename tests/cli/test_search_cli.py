"""``policykg search``: the table, the JSON, and bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from policykg.cli.commands import app
from policykg.cli.tables import compact
from policykg.graph.build import BuildReport
from policykg.search import search
from policykg.settings import Settings


def run(built: tuple[Settings, BuildReport], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["search", *args], env={"POLICYKG_DIST": str(built[0].dist), "COLUMNS": "200"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_table_lists_each_hit_with_its_source(built: tuple[Settings, BuildReport]) -> None:
    expected = search(built[0].store_path, "Verdier", kind="claim").hits
    code, out, _ = run(built, "Verdier", "--type", "claim")
    assert code == 0
    assert f"{len(expected)} of {len(expected)} hit(s) for Verdier" in out
    for hit in expected:
        line = next(row for row in out.splitlines() if compact(hit.iri) in row)
        assert compact(hit.source) in line


def test_json_is_what_the_api_returns(built: tuple[Settings, BuildReport]) -> None:
    code, out, _ = run(built, "gebruiker", "--lang", "nl", "--json")
    assert code == 0
    found = search(built[0].store_path, "gebruiker", lang="nl")
    hits = [h.to_json() for h in found.hits]
    assert json.loads(out) == {"query": "gebruiker", "count": found.count, "hits": hits}


def test_bad_input_exits_1_with_the_reason(built: tuple[Settings, BuildReport]) -> None:
    code, out, err = run(built, '"InMail')
    assert (code, out) == (1, "")
    assert err == 'policykg search: q: unbalanced quote: every " needs a closing "\n'


def test_lang_is_case_insensitive(built: tuple[Settings, BuildReport]) -> None:
    expected = search(built[0].store_path, "Nutzer", lang="de", limit=100)
    assert expected.hits
    code, out, _ = run(built, "Nutzer", "--lang", "De", "--limit", "100", "--json")
    assert code == 0
    assert json.loads(out)["hits"] == [h.to_json() for h in expected.hits]


def test_an_unknown_language_exits_1_naming_the_option(built: tuple[Settings, BuildReport]) -> None:
    code, out, err = run(built, "Nutzer", "--lang", "fr")
    assert (code, out) == (1, "")
    assert err == "policykg search: lang: expected one of de, en, nl (in any case), got 'fr'\n"


def test_policykg_query_search_binds_the_hits(built: tuple[Settings, BuildReport]) -> None:
    expected = search(built[0].store_path, "Nutzer", lang="de", kind="claim").hits
    assert expected
    result = CliRunner().invoke(
        app,
        ["query", "search", "--param", "q=Nutzer", "--param", "lang=DE", "--param", "type=claim",
         "--format", "json"],
        env={"POLICYKG_DIST": str(built[0].dist), "COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    hits = list(dict.fromkeys(r["hit"] for r in rows["rows"]))
    assert hits == [h.iri for h in expected]
