"""``policykg serve --store URL``: a remote store's URL is checked before the server starts."""

from __future__ import annotations

from typer.testing import CliRunner

from policykg.cli.commands import app

runner = CliRunner()


def test_a_bad_store_url_is_refused_naming_the_parameter() -> None:
    result = runner.invoke(app, ["serve", "--store", "sparql+ftp://127.0.0.1:1/x"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "policykg serve: parameter 'url': expected sparql+http://host:port/path (or http/https), "
        "got 'sparql+ftp://127.0.0.1:1/x'"
    )


def test_a_bad_store_kind_is_refused_naming_the_parameter() -> None:
    result = runner.invoke(
        app, ["serve", "--query-url", "http://127.0.0.1:1/query", "--store-kind", "blazegraph"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        "policykg serve: parameter 'kind': expected one of oxigraph, virtuoso, generic, "
        "got 'blazegraph'"
    )
