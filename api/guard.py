"""ASGI middleware: limits every request meets before it reaches the application.

- Headers larger than ``max_header_bytes`` together: 431 (the HTTP protocol class in
  :mod:`policykg.api.httplimits` already cuts a connection whose head grows past that
  before it is complete; this catches what arrived in one piece).
- A query string or path that is not valid UTF-8 once percent-decoded: 400, instead of
  being read with replacement characters and run.
- At most ``max_per_client`` requests in progress per client address: 429 with
  ``Retry-After``.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from policykg.settings import Settings

from .errors import error_response

__all__ = ["RETRY_AFTER", "Guard", "utf8_problem"]

#: Seconds a client is told to wait after a 429 or a 503 for a full queue.
RETRY_AFTER = "1"


def utf8_problem(scope: Scope) -> str | None:
    """What of the request URL is not UTF-8 ("query string" or "path"), or None.

    >>> utf8_problem({"query_string": b"q=%FF", "raw_path": b"/sparql"})
    'query string'
    >>> utf8_problem({"query_string": b"q=%C3%A9", "raw_path": b"/caf%C3%A9"}) is None
    True
    """
    for name, raw in (("query string", scope.get("query_string", b"")),
                      ("path", scope.get("raw_path") or b"")):  # fmt: skip
        try:
            unquote_to_bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return name
    return None


class Guard:
    """Header size, URL encoding and per-client concurrency, checked before anything else."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.max_per_client = settings.max_per_client
        self.max_header_bytes = settings.max_header_bytes
        self._active: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
        if size > self.max_header_bytes:
            response = error_response(
                431, "Request header fields too large",
                f"the request headers are {size} bytes; the limit is {self.max_header_bytes}",
            )  # fmt: skip
            await response(scope, receive, send)
            return
        if (where := utf8_problem(scope)) is not None:
            response = error_response(400, "Bad request", f"the {where} is not valid UTF-8")
            await response(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client else ""
        active = self._active.get(key, 0)
        if active >= self.max_per_client:
            response = error_response(
                429, "Too many requests",
                f"this client already has {active} requests in progress; the limit is "
                f"{self.max_per_client}; retry after {RETRY_AFTER} s",
                {"Retry-After": RETRY_AFTER},
            )  # fmt: skip
            await response(scope, receive, send)
            return
        self._active[key] = active + 1
        try:
            await self.app(scope, receive, send)
        finally:
            left = self._active[key] - 1
            if left:
                self._active[key] = left
            else:
                del self._active[key]
