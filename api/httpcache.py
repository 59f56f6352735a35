"""HTTP basics for every route: HEAD, ETag and 304, Cache-Control; and gzip compression.

:class:`HttpCache` (ASGI middleware):

- ``HEAD`` is answered as ``GET`` without the body (RFC 9110), for every GET route: the
  application sees a GET (with ``scope[HEAD_KEY]`` set), the headers go out unchanged;
- a ``GET`` of the policy graph's server gets a weak ``ETag``, ``W/"<build>-<variant>"``: the
  build's digest and a hash of what picks the representation (path, query string,
  ``Accept``, ``Accept-Language``, host, the policykg version, the server's settings and
  JSON-LD context), so ``If-None-Match`` with it is answered ``304`` before anything runs;
  responses that carry their own ``ETag`` (files) are matched against it. Both come with ``Cache-Control: public,
  no-cache`` (keep it, but ask each time: a 304 costs nothing). A server over ``--data``
  files (which may change) sends no build ETag.

:class:`Compression` is Starlette's ``GZipMiddleware`` (``Accept-Encoding: gzip``; streamed
results are compressed as they stream), except for dump files (``/dumps/{name}``), whose
``ETag``, ``Content-Length`` and ``Range`` stay those of the file; each has a ``.gz`` copy.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policykg import __version__

from .served import served_build

__all__ = ["CACHE_CONTROL", "HEAD_KEY", "Compression", "HttpCache", "etag_matches"]

#: Set in the scope of a HEAD request that the application sees as a GET.
HEAD_KEY = "policykg.head"
#: What cacheable responses say: caches may keep them but must revalidate (cheap, 304).
CACHE_CONTROL = "public, no-cache"

#: Paths whose answers are not the build's: liveness, the OpenAPI pages, the query page and
#: its files (which carry their own ETag).
_NOT_THE_BUILD = frozenset(
    {"/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/"}
)
_VARIANT_HEADERS = (b"accept", b"accept-language", b"host")
_DROPPED_ON_304 = ("content-length", "content-type", "content-encoding", "content-disposition")


def etag_matches(if_none_match: str | None, etag: str, *, star: bool = True) -> bool:
    """Whether an ``If-None-Match`` value matches ``etag`` (weak comparison, RFC 9110).

    ``*`` matches any current representation (``star=False`` where it is not known to exist).

    >>> etag_matches('W/"a", "b"', '"b"'), etag_matches('"a"', 'W/"a"'), etag_matches(None, '"a"')
    (True, True, False)
    >>> etag_matches("*", '"x"'), etag_matches("*", '"x"', star=False)
    (True, False)
    """
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if (tag == "*" and star) or tag.removeprefix("W/") == wanted:
            return True
    return False


class HttpCache:
    """HEAD as GET without the body; build ETags and 304; Cache-Control (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._settings: dict[int, bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        inner = {**scope, "method": "GET", HEAD_KEY: True} if head else scope
        etag = self._etag(scope)
        if_none_match = Headers(scope=scope).get("if-none-match")
        if etag is not None and etag_matches(if_none_match, etag, star=False):
            await _not_modified(send, [(b"etag", etag.encode()), _cache_control()])
            return
        await self.app(inner, receive, _Sender(send, etag, if_none_match, head).send)

    def _etag(self, scope: Scope) -> str | None:
        path = scope["path"]
        if path in _NOT_THE_BUILD or path.startswith("/static/"):
            return None
        state = scope["app"].state
        build = served_build(state)
        if build.version is None:
            return None
        variant = hashlib.sha256()
        variant.update(__version__.encode())
        variant.update(self._settings_of(state))
        variant.update(path.encode("utf-8", "surrogateescape") + b"\0" + scope["query_string"])
        wanted = dict.fromkeys(_VARIANT_HEADERS, b"")
        for name, value in scope["headers"]:
            if name in wanted and not wanted[name]:
                wanted[name] = value
        for name in _VARIANT_HEADERS:
            variant.update(b"\0" + wanted[name])
        variant.update(b"\0" + str(scope.get("scheme", "http")).encode())
        return f'W/"{build.version}-{variant.hexdigest()[:16]}"'

    def _settings_of(self, state: Any) -> bytes:
        service = state.service
        key = id(service)
        if key not in self._settings:
            context = json.dumps(service.context, sort_keys=True)  # in JSON-LD results
            self._settings = {key: (service.settings.model_dump_json() + context).encode()}
        return self._settings[key]


def _cache_control() -> tuple[bytes, bytes]:
    return (b"cache-control", CACHE_CONTROL.encode())


async def _not_modified(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    vary = (b"vary", b"Accept, Accept-Language, Accept-Encoding")
    await send({"type": "http.response.start", "status": 304, "headers": [*headers, vary]})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class _Sender:
    """Adds the ETag and Cache-Control to a 200; drops the body of a HEAD or of a 304."""

    def __init__(self, send: Send, etag: str | None, if_none_match: str | None, head: bool):
        self._send, self.etag, self.if_none_match, self.head = send, etag, if_none_match, head
        self.drop_body = head
        self.done = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body" and self.drop_body:
            if self.done or message.get("more_body", False):
                return
            self.done = True
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await self._send(message)

    def _start(self, message: Message) -> Message:
        if message["status"] != 200:
            return message
        headers = MutableHeaders(raw=list(message["headers"]))
        own = headers.get("etag")
        if own is None and self.etag is not None:
            headers["ETag"] = self.etag
            own = self.etag
        if own is not None and "cache-control" not in headers:
            headers["Cache-Control"] = CACHE_CONTROL
        status = 200
        if own is not None and etag_matches(self.if_none_match, own):
            status, self.drop_body = 304, True
            for name in _DROPPED_ON_304:
                if name in headers:
                    del headers[name]
        return {**message, "status": status, "headers": headers.raw}


class Compression:
    """``GZipMiddleware`` for every response but dump files (see the module)."""

    def __init__(self, app: ASGIApp, *, minimum_size: int = 1000, compresslevel: int = 6) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith("/dumps/") and path != "/dumps/":
            await self.app(scope, receive, send)
            return
        await self.gzip(scope, receive, send)
