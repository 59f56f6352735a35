"""Structured access log: one JSON object per request on the ``policykg.access`` logger."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLog", "JsonLineFormatter"]

log = logging.getLogger("policykg.access")


class JsonLineFormatter(logging.Formatter):
    """Writes the record's message, which is already one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


class AccessLog:
    """ASGI middleware: method, path, status, bytes, milliseconds, client, truncation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        entry: dict[str, Any] = {"method": scope["method"], "path": scope["path"], "status": 500}
        sent = 0

        async def record(message: Message) -> None:
            nonlocal sent
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                for key, value in message.get("headers", []):
                    if key == b"x-policykg-truncated":
                        entry["truncated"] = value.decode()
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            client = scope.get("client")
            entry.update(
                bytes=sent,
                ms=round((time.perf_counter() - start) * 1000, 2),
                client=client[0] if client else None,
                query=scope.get("query_string", b"").decode("latin-1")[:200] or None,
            )
            log.info(json.dumps(entry, separators=(",", ":")))
