"""Engine parts: the safety scan, USING for updates, capped serialisation, the worker."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import pickle
import random
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.sparql import safety as sparqlsafety
from policykg.engine.inline import InlineStore
from policykg.engine.pool import Engine, QueryResult, jemalloc
from policykg.engine.worker import FIRST_FLUSH, open_store, read_frame, run_job
from policykg.errors import BadRequest, Forbidden, QuerySyntaxError, QueryTimeout
from policykg.sparql.dataset import apply_using
from policykg.sparql.results import write_graph, write_solutions
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
    rng = random.Random(20261123)  # noqa: S311 - a reproducible fuzz, not a secret
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


def test_apply_using_skips_strings_delete_where_and_validates_iris() -> None:
    update = "DELETE WHERE { ?a ?b 'WHERE' } ; INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"
    assert apply_using(update, ["http://g"], ["http://n"]) == (
        "DELETE WHERE { ?a ?b 'WHERE' } ; INSERT { ?s ?p 1 } USING <http://g> "
        "USING NAMED <http://n> WHERE { ?s ?p ?o }"
    )
    with pytest.raises(BadRequest):
        apply_using(update, ["http://g> } ; DROP ALL ; #"], [])


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    tricky = ["a\tb", "line\nbreak", '"quoted"', '},{"x":', "</result><result>", "é"]
    for i, text in enumerate(tricky):
        store.add(
            ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(text))
        )
    return store


@pytest.fixture(scope="module")
def big_store() -> ox.Store:
    """Enough rows for pyoxigraph to write in many pieces and for several batches."""
    store = ox.Store()
    p = ox.NamedNode("http://e/p")
    store.extend(
        ox.Quad(ox.NamedNode(f"http://e/{i:05}"), p, ox.Literal(f"row {i}\twith a tab"))
        for i in range(20_000)
    )
    return store


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(
    ("which", "size", "cap"),
    [("store", 6, 0), ("store", 6, 1), ("store", 6, 3), ("store", 6, 6), ("store", 6, 100),
     ("big_store", 20_000, 12_345), ("big_store", 20_000, 20_000), ("big_store", 20_000, 50_000)],
)  # fmt: skip
def test_capped_solutions_match_pyoxigraph(
    request: pytest.FixtureRequest, which: str, size: int, fmt: str, cap: int
) -> None:
    store = request.getfixturevalue(which)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    out = io.BytesIO()
    rows, truncated = write_solutions(store.query(query), fmt, cap, out)  # type: ignore[arg-type]
    assert (rows, truncated) == (min(cap, size), cap < size)
    limited = store.query(query.replace("ORDER BY ?s", f"ORDER BY ?s LIMIT {cap}"))
    expected = limited.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))  # type: ignore[union-attr]
    assert out.getvalue() == expected


def test_capped_graph(store: ox.Store) -> None:
    out = io.BytesIO()
    rows, truncated = write_graph(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), "ntriples", 2, out)  # type: ignore[arg-type]
    assert (rows, truncated) == (2, True)
    assert out.getvalue().count(b"\n") == 2


async def _content(result: QueryResult) -> bytes:
    """The whole body: in one piece when small, else streamed."""
    streamed = b"".join([chunk async for chunk in result.body])
    assert result.whole is None or streamed == b""
    return result.whole if result.whole is not None else streamed


@pytest.mark.parametrize(
    ("memory_max_quads", "store_kind"), [(None, "disk"), (1000, "memory"), (0, "disk")]
)
def test_engine_pool(tmp_path: Path, memory_max_quads: int | None, store_kind: str) -> None:
    """On disk, in memory, and on disk because the store is over the in-memory limit."""
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/s> <http://e/p> 1 .\n")

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=1, timeout=1, memory_max_quads=memory_max_quads)
        await engine.start()
        try:
            assert engine.opened["store"] == store_kind
            assert engine.opened["allocator"] == ("jemalloc" if jemalloc() else "system")
            job = {"op": "query", "query": "SELECT ?o { ?s ?p ?o }", "solutions_format": "tsv",
                   "graph_format": None, "max_rows": 10}  # fmt: skip
            result = await engine.query(job)
            assert await _content(result) == b"?o\n1\n"
            with pytest.raises(QuerySyntaxError):
                await engine.query({**job, "query": "SELECT"})
            values = " ".join(f"VALUES ?v{i} {{1 2 3 4 5 6 7 8 9}}" for i in range(10))
            with pytest.raises(QueryTimeout):
                await engine.query({**job, "query": "SELECT (COUNT(*) AS ?n) { " + values + " }"})
            result = await engine.query(job)  # a fresh worker took over, with the same data
            assert await _content(result) == b"?o\n1\n"
            assert engine.opened["store"] == store_kind
            assert (await engine.stats())["triples"] == 1
            await engine.write(
                {"op": "update", "update": "INSERT DATA { <http://e/s> <http://e/p> 2 }"}
            )
            result = await engine.query(job)  # recycled workers see the update
            assert sorted((await _content(result)).split()) == [b"1", b"2", b"?o"]
            assert engine.opened["store"] == store_kind
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_lookups_fall_back_to_workers_if_the_store_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/s> <http://e/p> 1 .\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(InlineStore, "open", fail)

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=1, timeout=5, memory_max_quads=1000)
        await engine.start()
        try:
            await engine.inline_ready()
            assert engine.inline_state == "off"
            job = {"op": "query", "query": "SELECT ?o { <http://e/s> ?p ?o }",
                   "solutions_format": "tsv", "graph_format": None, "max_rows": 10}  # fmt: skip
            assert engine.run_inline(job) is None
            assert await _content(await engine.query(job)) == b"?o\n1\n"
        finally:
            await engine.close()

    asyncio.run(scenario())
    assert "could not open the store for inline lookups: no space left" in caplog.text


def test_memory_copy_holds_every_quad(tmp_path: Path) -> None:
    """Copied predicate by predicate: default graph and named graphs, nothing lost or added."""
    disk = ox.Store(str(tmp_path / "store"))
    s, g = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/g")
    quads = [
        ox.Quad(s, ox.NamedNode(f"http://e/p{i % 3}"), ox.Literal(str(i)), g if i % 2 else None)
        for i in range(30)
    ]
    disk.extend(quads)
    disk.flush()
    del disk
    memory, opened = open_store(str(tmp_path / "store"), "memory", 100)
    assert opened["store"] == "memory"
    assert sorted(map(str, memory)) == sorted(map(str, quads))


class _Spy:
    """A store that records which writing methods a job calls."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.calls = store, []

    def __getattr__(self, name: str) -> object:
        if name in ("update", "extend", "bulk_extend", "clear_graph", "remove_graph", "add_graph"):
            self.calls.append(name)
        return getattr(self.store, name)


@pytest.mark.parametrize(("op", "graph"), [("put", "http://e/g"), ("post", "http://e/g"),
                                           ("put", None), ("post", None)])  # fmt: skip
def test_graph_store_writes_are_one_transaction(op: str, graph: str | None) -> None:
    """PUT and POST are one Store.update, whatever the body holds."""
    store = ox.Store()
    old = ox.Triple(ox.NamedNode("http://e/old"), ox.NamedNode("http://e/p"), ox.Literal("old"))
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    other = ox.Quad(old.subject, old.predicate, old.object, ox.NamedNode("http://e/other"))
    store.extend([ox.Quad(old.subject, old.predicate, old.object, target), other])
    body = (
        '<http://e/s> <http://e/p> "} } ; DROP ALL ; INSERT DATA { <x> <y> <z> } #", '
        '"tab\\tline\\nquote\\"", _:b .\n_:b <http://e/p> "x"@en .\n'
    )
    spy = _Spy(store)
    out = io.BytesIO()
    job = {"op": op, "graph": graph, "data": body.encode(), "format": "turtle", "base_iri": None}
    run_job(spy, job, out)  # type: ignore[arg-type]
    assert out.getvalue()[:1] == b"R", out.getvalue()
    assert spy.calls == ["update"]
    written = ox.Dataset(store.quads_for_pattern(None, None, None, target))
    expected = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, target)
        for t in ox.parse(body.encode(), ox.RdfFormat.TURTLE)
    )
    if op == "post":
        expected.add(ox.Quad(old.subject, old.predicate, old.object, target))
    written.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    expected.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert written == expected
    assert other in store  # the rest of the store is untouched


def _frames(data: bytes) -> list[tuple[bytes, bytes]]:
    stream, frames = io.BytesIO(data), []
    while (frame := read_frame(stream)) is not None:
        frames.append(frame)
    return frames


@pytest.mark.parametrize(
    ("limit", "max_rows", "spooled", "truncated"),
    [("LIMIT 10000", 10_000, False, False),  # cannot pass the cap: sent as produced
     ("LIMIT 10001", 10_000, True, False), ("", 10_000, True, False), ("", 9_999, True, True)],
)  # fmt: skip
def test_large_results_are_held_until_the_flag_is_known(
    monkeypatch: pytest.MonkeyPatch, limit: str, max_rows: int, spooled: bool, truncated: bool
) -> None:
    spools: list[object] = []
    real = tempfile.TemporaryFile

    def spy() -> object:
        spools.append(real())
        return spools[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", spy)
    numbers = " ".join(str(i) for i in range(100))
    query = f"SELECT ?a ?b {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }} {limit}"
    job = {"op": "query", "query": query, "solutions_format": "json", "graph_format": None,
           "max_rows": max_rows}  # fmt: skip
    out = io.BytesIO()
    run_job(ox.Store(), job, out)
    frames = _frames(out.getvalue())
    assert [kind for kind, _ in frames[:1] + frames[-1:]] == [b"H", b"E"]
    head, end = (pickle.loads(frames[i][1]) for i in (0, -1))  # noqa: S301 - our own frames
    assert head["truncated"] is truncated
    assert end == {"rows": max_rows, "truncated": truncated}
    assert bool(spools) is spooled
    body = b"".join(payload for kind, payload in frames if kind == b"C")
    assert len(body) > FIRST_FLUSH
    assert len(json.loads(body)["results"]["bindings"]) == max_rows
