"""``/queries/{name}`` for a browser: the results as an HTML table under a form of parameters."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient
from policykg.api.resulttable import local_path, table

from policykg.settings import Settings

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BASE = Settings().base_iri


class _Page(HTMLParser):
    """The table's header and cells (text, link), and the form's inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.errors: list[str] = []
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell, self._href, self._in = [], None, tag
        elif tag == "a" and self._cell is not None:
            self._href = values.get("href")
        elif tag == "input" and values.get("name"):
            self.inputs[str(values["name"])] = values
        elif tag == "p" and values.get("class") == "error":
            self._in = "error"
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._in == "th":
                self.header.append(text)
            else:
                self.rows[-1].append((text, self._href))
            self._cell = None
        elif tag == "p" and self._in == "error" and self._cell is not None:
            self.errors.append("".join(self._cell).strip())
            self._cell, self._in = None, None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.rows = [r for r in page.rows if r]
    return page


def test_a_browser_gets_the_results_as_a_table(policy_client: TestClient) -> None:
    url = "/queries/claims-about?entity=https://w3id.org/policykg/id/linkedin"
    response = policy_client.get(url, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "attachment" not in response.headers.get("content-disposition", "")
    page = _page(response.text)
    data = policy_client.get(url, headers={"Accept": "application/sparql-results+json"}).json()
    columns = data["head"]["vars"]
    assert page.header == columns
    bindings = data["results"]["bindings"]
    assert bindings
    assert len(page.rows) == len(bindings)
    for row, binding in zip(page.rows, bindings, strict=True):
        for (text, href), column in zip(row, columns, strict=True):
            term = binding.get(column)
            if term is None:
                assert (text, href) == ("", None)
            elif term["type"] == "uri":
                assert href == local_path(term["value"], BASE)
                if term["value"].startswith(BASE):
                    assert href == "/" + term["value"].removeprefix(BASE)
                    assert not href.startswith("//")
            else:
                assert href is None
                assert text.startswith(term["value"])


def test_the_form_holds_the_parameters(policy_client: TestClient) -> None:
    response = policy_client.get(
        "/queries/status-as-of?date=2025-11-10", headers={"Accept": BROWSER}
    )
    page = _page(response.text)
    assert set(page.inputs) == {"jurisdiction", "date"}
    assert page.inputs["date"]["value"] == "2025-11-10"
    assert page.inputs["date"]["type"] == "date"
    assert page.inputs["jurisdiction"]["value"] == "https://w3id.org/dpv/loc#EU"  # the default
    assert '<form method="get" action="/queries/status-as-of">' in response.text
    assert 'href="/queries/status-as-of?date=2025-11-10&amp;format=csv"' in response.text


def test_empty_fields_mean_the_defaults(policy_client: TestClient) -> None:
    filled = policy_client.get("/queries/status-as-of?date=2024-10-01", headers={"Accept": BROWSER})
    empty = policy_client.get(
        "/queries/status-as-of?date=&jurisdiction=", headers={"Accept": BROWSER}
    )
    assert empty.status_code == 200
    assert _page(empty.text).rows == _page(filled.text).rows


def test_a_bad_value_is_shown_on_the_page(policy_client: TestClient) -> None:
    response = policy_client.get(
        "/queries/status-as-of?date=2025-13-40", headers={"Accept": BROWSER}
    )
    assert response.status_code == 400
    page = _page(response.text)
    assert page.errors == ["parameter 'date' must be a date (YYYY-MM-DD), got '2025-13-40'"]
    assert page.rows == []
    assert page.inputs["date"]["value"] == "2025-13-40"


def test_format_and_json_accept_still_get_data(policy_client: TestClient) -> None:
    csv = policy_client.get("/queries/status-as-of?format=csv", headers={"Accept": BROWSER})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    data = policy_client.get("/queries/status-as-of", headers={"Accept": "application/json"})
    assert data.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    plain = policy_client.get("/queries/status-as-of")
    assert plain.headers["content-type"] == "application/sparql-results+json; charset=utf-8"


def test_graph_and_boolean_results_become_tables() -> None:
    nt = (
        b"<https://w3id.org/policykg/id/linkedin> <http://www.w3.org/2000/01/rdf-schema#label> "
        b'"LinkedIn"@en .\n'
        b"<https://w3id.org/policykg/id/linkedin> <http://www.w3.org/2002/07/owl#sameAs> "
        b"<http://www.wikidata.org/entity/Q213660> .\n"
    )
    graph = table("graph", nt, BASE, max_rows=1)
    assert graph.columns == ["subject", "predicate", "object"]
    assert graph.total == 2
    assert len(graph.rows) == 1
    subject = graph.rows[0][0]
    assert subject is not None
    assert (subject.text, subject.href) == ("id:linkedin", "/id/linkedin")
    boolean = table("boolean", b'{"head": {}, "boolean": true}', BASE, max_rows=10)
    assert boolean.columns == ["boolean"]
    assert [[c.text if c else None for c in row] for row in boolean.rows] == [["true"]]


def test_local_path_replaces_the_base_by_a_slash() -> None:
    assert local_path(BASE + "claim/000/eu-excluded", BASE) == "/claim/000/eu-excluded"
    assert (
        local_path("http://www.wikidata.org/entity/Q1", BASE) == "http://www.wikidata.org/entity/Q1"
    )
    assert local_path("https://example.org/x", "https://example.org/kg/") == "https://example.org/x"
