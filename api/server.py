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
from .httplimits import limited_protocol

__all__ = ["configure_logging", "run"]


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    access = logging.getLogger("policykg.access")
    access.handlers[:] = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False


def run(settings: Settings, *, data: list[Path]) -> None:
    """Serve until interrupted, with the limits of :mod:`policykg.api.httplimits`.

    Updates go to a temporary copy of ``--data`` files (lost at exit), or, without
    ``--data``, to the store under ``--store`` (kept); the CLI asks for one of them."""
    if settings.enable_update and not settings.update_token:
        raise BadRequest("--enable-update needs --update-token (or POLICYKG_UPDATE_TOKEN)")
    configure_logging()
    app = create_app(settings, data=data, progress=Steps())
    uvicorn.run(
        app, host=settings.host, port=settings.port, access_log=False, log_level="info",
        http=limited_protocol(settings.max_header_bytes, settings.header_timeout),
        timeout_keep_alive=max(1, round(settings.keep_alive)),
    )  # fmt: skip
