"""``/docs``: Swagger UI from node_modules, rendered offline; nothing leaves loopback."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Route
from policykg.api.routers.ui import SWAGGER_FILES, create_router, swagger_dir

from .conftest import Server

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _client(root: Path) -> TestClient:
    app = FastAPI(docs_url=None, redoc_url=None)
    app.include_router(create_router(root))
    return TestClient(app)


def test_docs_point_only_at_local_files(tmp_path: Path) -> None:
    folder = swagger_dir(tmp_path)
    folder.mkdir(parents=True)
    for name in SWAGGER_FILES:
        (folder / name).write_text(f"/* {name} */")
    (folder / "index.html").write_text("not served")
    http = _client(tmp_path)
    page = http.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text
    assert "http://" not in page.text
    assert 'src="static/vendor/swagger-ui/swagger-ui-bundle.js"' in page.text
    assert '"validatorUrl": null' in page.text
    assert http.get("/static/vendor/swagger-ui/swagger-ui.css").text == "/* swagger-ui.css */"
    assert http.get("/static/vendor/swagger-ui/index.html").status_code == 404


def test_docs_say_how_to_install_swagger_ui(tmp_path: Path) -> None:
    response = _client(tmp_path).get("/docs")
    assert response.status_code == 503
    assert "Run <code>npm ci</code>" in response.text
    assert "API documentation (Swagger UI)" in response.text


@pytest.mark.browser
@pytest.mark.server
def test_docs_render_offline(browser: BrowserContext, server: Server) -> None:
    attempted: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname not in LOOPBACK:
            attempted.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    browser.route("**/*", guard)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(server.url + "/docs")
    assert response is not None
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=30_000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/sparql" in [p.strip() for p in paths]
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("policykg")
    assert attempted == [], "/docs must not fetch anything beyond loopback"
    assert errors == []
