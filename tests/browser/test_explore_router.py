"""The explorer's and timeline's router without a browser: pages, vendor files, no npm ci."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from policykg.api.routers import ui
from policykg.api.routers.explore import (
    EXPLORER_FILES,
    TIMELINE_FILES,
    VENDOR,
    create_router,
)

UI_DIR = ui.UI_DIR


def client(root: Path) -> TestClient:
    app = FastAPI()
    app.include_router(create_router(root))
    app.include_router(ui.create_router(root))
    return TestClient(app)


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A project root whose node_modules holds (fake) builds of every library."""
    for name, relative in VENDOR.items():
        path = tmp_path / "node_modules" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* {name} */")
    (tmp_path / "node_modules" / "cytoscape" / "package.json").write_text("{}")
    return tmp_path


@pytest.mark.parametrize(
    ("path", "marker"), [("/explore", 'id="pk-cy"'), ("/timeline", 'id="pk-vis"')]
)
def test_pages_are_served_with_a_strict_script_policy(
    installed: Path, path: str, marker: str
) -> None:
    response = client(installed).get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert marker in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "<script>" not in response.text, "no inline scripts"
    assert "http://" not in response.text
    assert "https://" not in response.text


@pytest.mark.parametrize("page", ["explore.html", "timeline.html"])
def test_every_file_a_page_names_is_served(installed: Path, page: str) -> None:
    http = client(installed)
    text = (UI_DIR / page).read_text(encoding="utf-8")
    names = re.findall(r'(?:src|href)="(static/[^"]+)"', text)
    # and the files its own scripts load (explore-start.js names the drawing libraries)
    for own in [n.removeprefix("static/ui/") for n in names if n.endswith(".js")]:
        if (UI_DIR / own).is_file():
            names += re.findall(r'"(static/[^"]+)"', (UI_DIR / own).read_text(encoding="utf-8"))
    assert any(n.startswith("static/vendor/explore/") for n in names)
    for name in names:
        response = http.get("/" + name)
        assert response.status_code == 200, name


def test_vendor_files_come_from_node_modules(installed: Path) -> None:
    http = client(installed)
    for name in VENDOR:
        response = http.get(f"/static/vendor/explore/{name}")
        assert response.status_code == 200, name
        assert response.text == f"/* {name} */"
    assert (
        "javascript" in http.get("/static/vendor/explore/cytoscape.min.js").headers["content-type"]
    )
    css = http.get("/static/vendor/explore/vis-timeline-graph2d.min.css")
    assert css.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/explore/cytoscape.esm.mjs",
        "/static/vendor/explore/package.json",
        "/static/vendor/explore/..%2Fcytoscape%2Fpackage.json",
        "/static/vendor/explore/%2E%2E",
    ],
)
def test_nothing_else_is_served(installed: Path, path: str) -> None:
    assert client(installed).get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "needs"), [("/explore", EXPLORER_FILES), ("/timeline", TIMELINE_FILES)]
)
def test_a_missing_library_says_to_run_npm_ci(
    installed: Path, path: str, needs: tuple[str, ...]
) -> None:
    for name in needs:  # each one missing on its own
        missing = installed / "node_modules" / VENDOR[name]
        missing.unlink()
        response = client(installed).get(path)
        assert response.status_code == 503, name
        assert "npm ci" in response.text
        assert str(missing) in response.text
        assert "content-security-policy" in response.headers
        missing.write_text("/* back */")
    assert client(installed).get(path).status_code == 200


def test_the_app_includes_the_pages() -> None:
    """``create_app`` serves both pages; without ``npm ci`` they answer 503, never 404."""
    from policykg.api.app import create_app

    from policykg.settings import Settings

    http = TestClient(create_app(Settings()))
    for path in ("/explore", "/timeline"):
        assert http.get(path).status_code in (200, 503), path
    for name in ("explore.js", "explore-state.js", "explore.css", "timeline.js"):
        assert http.get(f"/static/ui/{name}").status_code == 200, name
