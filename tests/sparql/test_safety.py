"""The safety scan: SERVICE, LOAD and remote FROM are found however they are spelt."""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading

import pyoxigraph as ox
import pytest

from policykg.errors import BadRequest, Forbidden
from policykg.sparql import safety as sparqlsafety
from policykg.sparql.safety import (
    enforce,
    keyword_tokens,
    scan_query,
    scan_query_async,
    scan_update,
)

EVIL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE <{EVIL}> {{}} }}",
        f"SELECT * {{ ?s ?p ?o . sErViCe SILENT <{EVIL}> {{ ?s ?p ?o }} }}",
        "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> {} }",
        f"SELECT * {{ FILTER(?x<'a>') SERVICE <{EVIL}> {{}} FILTER('x') }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{EVIL}> {{}} }} }} }}",
    ],
)
def test_scan_finds_service(query: str) -> None:
    assert scan_query(query).services == (EVIL,)
    with pytest.raises(Forbidden):
        enforce(scan_query(query), [])
    enforce(scan_query(query), [EVIL])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <http://example.org/SERVICE> }",
        "SELECT * { ?s <http://x/p> 'SERVICE <http://evil> {}' } # SERVICE <http://evil> {}",
        'SELECT * { ?s ?p """\nSERVICE <http://evil> {}\n""" }',
        "PREFIX service: <http://x/> SELECT * { ?s service:load ?o }",
    ],
)
def test_scan_ignores_service_words_that_are_not_the_keyword(query: str) -> None:
    assert scan_query(query).services == ()


def test_scan_load_and_dataset() -> None:
    scan = scan_update(
        "PREFIX e: <http://e/> LOAD e:x ; WITH <http://w> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    )
    assert scan.loads == ("http://e/x",)
    assert scan.own_dataset
    assert scan_query("SELECT * FROM <http://a> FROM NAMED <http://b> {}").dataset == (
        "http://a",
        "http://b",
    )


def test_unparseable_text_mentioning_service_is_refused() -> None:
    with pytest.raises(BadRequest):
        scan_query("SELECT * { SERVICE <http://x> { ?s ?p } }")
    assert scan_query("SELECT * { ?s ?p 'from' ").dataset == ()  # pyoxigraph reports this one


NAMED_QUERY_TEXT = (
    r"""# title: From where? (a header comment saying FROM, SERVICE and LOAD)
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX e: <http://example.org/wasDerivedFrom/>
SELECT ?from ?loaded WHERE {
  ?claim prov:wasDerivedFrom ?from ; e:x <http://example.org/using/with/LOAD> .
  ?from <http://x/p> 'SERVICE <http://evil> {}', "LOAD <x>", '''FROM
  <g> \''' ''', "USING \" WITH", """
    + '"""with " "" \\"""" .'
    + r"""
  BIND($from AS ?loaded) FILTER(?loaded < ?claim || ?claim > ?loaded)
}"""
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NAMED_QUERY_TEXT, set()),
        ("SELECT * { ?s ?p ?o }", set()),
        ("SELECT * FROM <http://g> { ?s ?p ?o }", {"from"}),
        ("SELECT * { ?s ?p 1SERVICE <http://x> {} }", {"service"}),  # no word boundary needed
        ("PREFIX : <http://x/> SELECT * { SERVICE:x {} }", {"service"}),
        ("PREFIX service: <http://x/> SELECT * { ?s service:p ?o }", {"service"}),  # a prefix
        ("PREFIX e: <http://x/> SELECT * { ?s e:SERVICE ?o }", {"service"}),  # local = keyword
        ("PREFIX e: <http://x/> SELECT * { ?s e:loaded ?o }", set()),
        ("SELECT * { ?s ?p 'a'@en-SERVICE }", {"service"}),
        ("SELECT * { ?s ?p ?o . SERVICESILENT<http://x> {} }", {"service"}),
        ("WITH <http://g> DELETE { ?s ?p ?o } USING <http://h> WHERE {}", {"with", "using"}),
        # an IRI holding a quote may be a less-than operator: every keyword's letters count
        ("SELECT * { FILTER(?x<'a>') SERVICE <http://x> {} FILTER('x') }", {"service"}),
        ("SELECT * { ?s ?p <http://x'> . ?s ?p 'SERVICE' }", {"service"}),
        # so does text the tokenizer cannot read
        ("SELECT * { ?s ?p 'unterminated SERVICE <http://x> {} }", {"service"}),
    ],
)
def test_keyword_tokens(text: str, expected: set[str]) -> None:
    assert keyword_tokens(text) == expected


def _oxigraph_calls_service(store: ox.Store, query: str) -> bool:
    """True when pyoxigraph parses ``query`` and tries to reach its SERVICE endpoint."""
    try:
        result = store.query(query)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except SyntaxError:
        return False
    except OSError:  # port 9 is refused by Oxigraph itself: no request leaves the machine
        return True
    return False


def test_keyword_tokens_never_miss_a_service_oxigraph_runs() -> None:
    """Seeded fuzz: every text pyoxigraph runs as a SERVICE call goes to the parser."""
    store = ox.Store()
    p = ox.NamedNode("http://p")
    for value in ("1", "a", "true"):
        store.add(ox.Quad(ox.NamedNode("http://s"), p, ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode("http://s"), p, ox.NamedNode("http://x'")))
    before = ["", " ", ".", "1", "1e1", "true", "'a'", '"a"', "'''a'''", "#", "#\n", "'", "<",
              ">", ":", "e:x", "?s ?p <http://x'>", "?s ?p <http://x\\u0041'>", "FILTER(1)",
              "FILTER(?o<'a>')", "FILTER(?o<2)", "FILTER(?o<'>')", "FILTER(?o<\"a>\")", "{}",
              "?s ?p ?o", "BIND(1 AS ?z)", "'#'", "<#>", "<'>", "OPTIONAL{}"]  # fmt: skip
    keyword = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICESILENT"]
    target = ["<http://127.0.0.1:9/>", ":x", "e:x", " <http://127.0.0.1:9/>", " e:y"]
    after = ["", " ", "'", "')", "}", "#", "'x'", "FILTER('x')", "\n'", ">"]
    rng = random.Random(20261123)
    calls = 0
    for _ in range(3000):
        body = (
            "".join(rng.choice(before) for _ in range(rng.randint(1, 3)))
            + rng.choice(["", " "]) + rng.choice(keyword) + rng.choice(target)
            + rng.choice(["{}", " { }", "{?s ?p ?o}"]) + rng.choice(after)
            + "".join(rng.choice(before) for _ in range(rng.randint(0, 2)))
        )  # fmt: skip
        query = (
            "PREFIX e: <http://127.0.0.1:9/> PREFIX : <http://127.0.0.1:9/> "
            f"SELECT * {{ ?s ?p ?o . {body} }}"
        )
        if _oxigraph_calls_service(store, query):
            calls += 1
            assert "service" in keyword_tokens(query), query
            with contextlib.suppress(BadRequest):  # refused: it could not be checked
                assert scan_query(query).services, query
    assert calls > 20  # the fuzz does reach SERVICE calls


def test_scan_parses_only_when_a_keyword_is_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = sparqlsafety.parseQuery

    def counting(text: str) -> object:
        parsed.append(threading.current_thread().name)
        return real(text)

    monkeypatch.setattr(sparqlsafety, "parseQuery", counting)
    assert scan_query(NAMED_QUERY_TEXT) == sparqlsafety.Scan()
    assert parsed == []
    query = "SELECT * FROM <http://cached/g> { ?s ?p ?o }"
    assert scan_query(query).dataset == ("http://cached/g",)
    assert scan_query(query).dataset == ("http://cached/g",)  # cached: parsed once
    assert len(parsed) == 1
    threaded = "SELECT * FROM <http://threaded/g> { ?s ?p ?o }"
    assert asyncio.run(scan_query_async(threaded)).dataset == ("http://threaded/g",)
    assert parsed[-1] != threading.main_thread().name  # parsed off the event loop
    refused = "SELECT * { SERVICE <http://cached> { ?s ?p } }"
    for _ in range(2):
        with pytest.raises(BadRequest):
            scan_query(refused)  # the refusal is cached too
    assert len(parsed) == 3
