"""The GraphML and GEXF files are written as text with exactly the bytes networkx writes for
the network's flat view: on the seed network, on awkward labels and on an empty view; the
GEXF file's date is the one given, by default SOURCE_DATE_EPOCH's."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import pytest

from policykg.graph.export import export
from policykg.kg import PolicyGraph
from policykg.network.build import build_network, network
from policykg.network.filters import Filters
from policykg.network.flatview import flat
from policykg.network.gexf import write_gexf
from policykg.network.graphml import write_graphml
from policykg.network.rows import NetworkRows, Record
from policykg.network.views import write_graph_file

from .support import CLAIM, ID, PKG, SRC, TWEAKERS

NETWORKX_DAY = "2001-02-03"


def networkx_bytes(graph: nx.MultiDiGraph, fmt: str, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """What networkx writes for the flat view of ``graph``, its GEXF dated NETWORKX_DAY."""
    buffer = io.BytesIO()
    with monkeypatch.context() as patch:
        patch.setattr(time, "strftime", lambda _format, *_: NETWORKX_DAY)
        if fmt == "gexf":
            nx.write_gexf(flat(graph), buffer)
        else:
            nx.write_graphml(flat(graph), buffer)
    return buffer.getvalue()


def our_bytes(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    buffer = io.StringIO()
    if fmt == "gexf":
        write_gexf(graph, buffer, date=NETWORKX_DAY)
    else:
        write_graphml(graph, buffer)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize(
    "filters",
    [[], [("source", TWEAKERS), ("include_corrected", "true"), ("as_of", "2024-10-01")]],
    ids=["all", "tweakers-corrected"],
)
def test_the_seed_network_has_networkx_bytes(
    kg: PolicyGraph, fmt: str, filters: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = network(kg, Filters.parse(filters))
    assert graph.number_of_edges() > 0
    assert our_bytes(graph, fmt) == networkx_bytes(graph, fmt, monkeypatch)


AWKWARD = [
    'He said "no" & left',
    "a < b > c",
    "it's <b>bold</b> &amp; &#10;",
    "Ålesund, Zürich — 東京 😀",
    "tab\there, new\nline, return\rhere, both\r\n",
    "  spaces around  ",
    "",
]


def _rows(labels: list[str], extra: str = "") -> NetworkRows:
    """Claims between awkward nodes: every label in AWKWARD (and ``extra``) in some place."""
    nodes: list[Record] = []
    claims: list[Record] = []
    texts = [*labels, extra] if extra else labels
    for i, text in enumerate(texts):
        node = f"{ID}n{i}&x=é"
        langs = ["nl", "en"] if i % 2 else ["de", "", "en"]  # languages first met out of order
        nodes.append({"node": node, "kind": "type", "value": PKG + "Lawsuit", "lang": None})
        for lang in langs:
            nodes.append({"node": node, "kind": "label", "value": text + lang, "lang": lang})
        claims.append(
            {
                "claim": f"{CLAIM}c{i}",
                "subject": node,
                "predicate": f"{PKG}p{i % 3}",
                "object": f"{ID}n{(i + 1) % len(texts)}&x=é",
                "source": f"{SRC}s{i % 2}",
                "stance": PKG + ("Denied" if i % 3 == 0 else "Asserted"),
                "quote": text,
                "quote_lang": "en",
                "paragraphs": "1",
                "period_start": None,
                "period_end": None,
                "jurisdictions": None,
                "corrected": "true" if i % 4 == 0 else "false",
            }
        )
    nodes.append({"node": f"{ID}bare", "kind": "type", "value": None, "lang": None})
    sources: list[Record] = [
        {"source": f"{SRC}s{i}", "publisher_label": texts[i], "identifier": None, "issued": None}
        for i in range(2)
    ]
    return NetworkRows(claims, nodes, sources)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_awkward_labels_have_networkx_bytes(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = build_network(_rows(AWKWARD), Filters())
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert {text + "en" for text in AWKWARD} <= labels
    ours = our_bytes(graph, fmt)
    assert ours == networkx_bytes(graph, fmt, monkeypatch)
    assert "😀".encode() in ours  # written as UTF-8
    assert b"&amp;amp;" in ours  # escaped once


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_an_empty_view_has_networkx_bytes(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = nx.MultiDiGraph()
    assert our_bytes(graph, fmt) == networkx_bytes(graph, fmt, monkeypatch)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_a_character_xml_does_not_allow_is_written_as_a_replacement_character(
    char: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An RDF literal may hold it; the file stays well-formed XML (networkx's GraphML refuses
    the graph, its GEXF writes the character, which no parser reads): otherwise the bytes
    are networkx's for the same label with U+FFFD in its place."""
    graph = build_network(_rows(AWKWARD, extra=f"bad{char}label"), Filters())
    replaced = build_network(_rows(AWKWARD, extra="bad\ufffdlabel"), Filters())
    ours = our_bytes(graph, fmt)
    assert ours == networkx_bytes(replaced, fmt, monkeypatch)
    ElementTree.fromstring(ours)  # noqa: S314 (the project's own bytes): well-formed
    assert "bad\ufffdlabel".encode() in ours


def _gexf_date(data: bytes) -> str:
    start = data.index(b'lastmodifieddate="') + len('lastmodifieddate="')
    return data[start : start + 10].decode()


def test_the_gexf_date_follows_source_date_epoch(
    kg: PolicyGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    epoch = 1_000_000_000  # 2001-09-09 UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    day = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
    assert _gexf_date(write_graph_file(network(kg, Filters()), "gexf")) == day
    assert _gexf_date(export(kg, tmp_path / "a.gexf").read_bytes()) == day
    given = export(kg, tmp_path / "b.gexf", date="1999-12-31").read_bytes()
    assert _gexf_date(given) == "1999-12-31"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = time.strftime("%Y-%m-%d")
    today = _gexf_date(export(kg, tmp_path / "c.gexf").read_bytes())
    assert today in {before, time.strftime("%Y-%m-%d")}  # networkx's: the local date


def test_export_writes_the_bytes_write_graph_file_writes(kg: PolicyGraph, tmp_path: Path) -> None:
    graph = network(kg, Filters())
    for fmt in ("graphml", "gexf"):
        path = export(kg, tmp_path / f"view.{fmt}", date="2001-02-03")
        written: Any = path.read_bytes()
        if fmt == "gexf":
            assert written == our_bytes(graph, fmt)
        else:
            assert written == write_graph_file(graph, fmt)
