"""The page's router without a browser: the page, its files, and a missing ``npm ci``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from policykg.api.routers.ui import VENDOR_FILES, create_router, query_page, vendor_dir


def client(root: Path) -> TestClient:
    app = FastAPI()
    app.include_router(create_router(root))
    return TestClient(app)


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A project root whose node_modules holds a (fake) YASGUI build."""
    build = vendor_dir(tmp_path)
    build.mkdir(parents=True)
    for name in VENDOR_FILES:
        (build / name).write_text(f"/* {name} */")
    (tmp_path / "node_modules" / "secret.txt").write_text("not served")
    return tmp_path


def test_page_is_served_with_a_strict_script_policy(installed: Path) -> None:
    response = client(installed).get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="yasgui">' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "<script>" not in response.text, "no inline scripts"


def test_page_points_only_at_local_files(installed: Path) -> None:
    page = client(installed).get("/").text
    assert "http://" not in page
    assert "https://" not in page
    assert 'src="static/vendor/yasgui/yasgui.min.js"' in page


def test_vendor_and_own_files_are_served(installed: Path) -> None:
    http = client(installed)
    js = http.get("/static/vendor/yasgui/yasgui.min.js")
    assert js.status_code == 200
    assert js.text == "/* yasgui.min.js */"
    assert "javascript" in js.headers["content-type"]
    for name in ("app.js", "params.js", "app.css", "favicon.svg"):
        assert http.get(f"/static/ui/{name}").status_code == 200, name


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/yasgui/yasgui.esm.js",
        "/static/vendor/yasgui/..%2F..%2F..%2Fsecret.txt",
        "/static/vendor/yasgui/%2E%2E",
        "/static/ui/index.html",
        "/static/ui/..%2F..%2Fpyproject.toml",
        "/static/ui/missing.js",
    ],
)
def test_nothing_else_is_served(installed: Path, path: str) -> None:
    assert client(installed).get(path).status_code == 404


def test_head_requests_are_answered(installed: Path) -> None:
    http = client(installed)
    for path in ("/", "/static/vendor/yasgui/yasgui.min.css", "/static/ui/app.js"):
        response = http.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


def test_query_page_can_answer_elsewhere(installed: Path) -> None:
    app = FastAPI()
    app.add_api_route("/sparql", lambda: query_page(installed))
    response = TestClient(app).get("/sparql")
    assert response.status_code == 200
    assert 'href="static/ui/app.css"' in response.text
    assert "content-security-policy" in response.headers


def test_missing_node_modules_says_to_run_npm_ci(tmp_path: Path) -> None:
    response = client(tmp_path).get("/")
    assert response.status_code == 503
    assert "npm ci" in response.text
    assert str(tmp_path) in response.text
    assert client(tmp_path).get("/static/vendor/yasgui/yasgui.min.js").status_code == 404


def test_the_app_always_includes_the_page() -> None:
    """``create_app`` serves the page; without ``npm ci`` it answers 503, never 404."""
    from policykg.api.app import create_app

    from policykg.settings import Settings

    http = TestClient(create_app(Settings()))  # no lifespan: the page needs no store
    page = http.get("/")
    assert page.status_code in (200, 503)
    assert "content-security-policy" in page.headers
    assert http.get("/static/ui/app.js").status_code == 200
