"""``policykg serve``: run the app under uvicorn with JSON-lines access logs."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import uvicorn

from policykg.errors import BadRequest
from policykg.progress import Steps
from policykg.settings import Settings

from .accesslog import JsonLineFormatter
from .app import create_app

__all__ = ["configure_logging", "run"]


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    access = logging.getLogger("policykg.access")
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False


def run(settings: Settings, *, data: list[Path]) -> None:
    """Serve until interrupted; updates need ``--data`` (the policy graph is built, not edited)."""
    if settings.enable_update and not data:
        raise BadRequest(
            "--enable-update needs --data FILE: the policy graph is rebuilt from sources"
        )
    if settings.enable_update and not settings.update_token:
        raise BadRequest("--enable-update needs --update-token (or POLICYKG_UPDATE_TOKEN)")
    configure_logging()
    app = create_app(settings, data=data, progress=Steps())
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_level="info")
