"""uvicorn's httptools protocol with a cap on the request head and a time limit for it.

llhttp (under httptools) keeps no limit of its own on the size of a request line and its
headers, and uvicorn starts no timer until a first response is complete, so a client
could grow a head without end or hold a connection open by never finishing one. This
protocol counts the bytes of a head still incomplete and answers 431 past
``max_header_bytes``, and closes a connection (with a 408) whose head has not arrived
within ``header_timeout`` seconds of the connection or of its first byte.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["LimitedHttpToolsProtocol", "limited_protocol"]


def _raw(status: int, reason: str, title: str, message: str) -> bytes:
    body = json.dumps({"error": title, "message": message, "status": status}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` with ``max_header_bytes`` and ``header_timeout``."""

    max_header_bytes = 16_384
    header_timeout = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            message = f"the request head did not arrive within {self.header_timeout:g} s"
            self.transport.write(_raw(408, "Request Timeout", "Request timeout", message))
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._start_head_timer()
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.max_header_bytes:
                message = (
                    f"the request line and headers are over the limit of "
                    f"{self.max_header_bytes} bytes"
                )
                self.transport.write(
                    _raw(431, "Request Header Fields Too Large",
                         "Request header fields too large", message)
                )  # fmt: skip
                self.transport.close()

    def on_message_begin(self) -> None:
        self._in_head, self._head_bytes = True, 0
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._in_head, self._head_bytes = True, 0  # the next request's head, if any


def limited_protocol(max_header_bytes: int, header_timeout: float) -> type[HttpToolsProtocol]:
    """A protocol class with these limits (uvicorn takes a class, not an instance)."""
    return type(
        "LimitedHttpToolsProtocol",
        (LimitedHttpToolsProtocol,),
        {"max_header_bytes": max_header_bytes, "header_timeout": header_timeout},
    )
