"""Every setting of the remote store is documented, by its one name, in the README and in
docs/deployment.md."""

from __future__ import annotations

import pytest

from policykg.settings import RemoteSettings, Settings

ROOT = Settings().root
NAMES = [f"POLICYKG_REMOTE_{field.upper()}" for field in RemoteSettings.model_fields]


@pytest.mark.parametrize("document", ["README.md", "docs/deployment.md"])
def test_every_remote_setting_is_documented(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    assert [n for n in NAMES if f"`{n}`" not in text] == []


def test_the_old_names_are_gone() -> None:
    """One name per setting: the serve-only ``POLICYKG_STORE_*`` names were merged."""
    for document in ("README.md", "docs/deployment.md"):
        assert "POLICYKG_STORE_" not in (ROOT / document).read_text(encoding="utf-8")
    assert not [f for f in Settings.model_fields if f.startswith("store_")]


def test_serve_publish_and_rollback_read_the_same_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POLICYKG_REMOTE_URL", "sparql+http://127.0.0.1:7878/query")
    monkeypatch.setenv("POLICYKG_REMOTE_USERNAME", "reader")
    monkeypatch.setenv("POLICYKG_REMOTE_PASSWORD", "secret")
    remote = Settings().remote
    assert (remote.url, remote.username) == ("sparql+http://127.0.0.1:7878/query", "reader")
    assert remote.password is not None
    assert remote.password.get_secret_value() == "secret"
    assert RemoteSettings() == remote
