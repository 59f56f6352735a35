"""Reading a SPARQL 1.1 Protocol request: which operation, its text, its dataset.

GET carries ``query`` in the URL; POST carries a form (``query`` or ``update``), or the
text itself as ``application/sparql-query`` / ``application/sparql-update``. Bodies
must be UTF-8 and no larger than ``max_body_bytes``; texts no longer than
``max_query_chars``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import Request

from policykg.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from policykg.settings import Settings

__all__ = ["Operation", "read_body", "read_operation"]

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass
class Operation:
    """``kind`` is "query", "update" or None (nothing asked: service description)."""

    kind: str | None
    text: str = ""
    params: dict[str, list[str]] = field(default_factory=dict)

    def all(self, name: str) -> list[str]:
        return self.params.get(name, [])

    def one(self, name: str) -> str | None:
        values = self.all(name)
        return values[-1] if values else None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or PayloadTooLarge as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is {declared} bytes; the limit is {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
    return bytes(body)


def _media(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    media, *params = (p.strip() for p in raw.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _decode(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset {charset} is not supported; send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the request body is not valid UTF-8 (byte {exc.start})") from None


def _merge(*sources: list[tuple[str, str]]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for source in sources:
        for key, value in source:
            params.setdefault(key, []).append(value)
    return params


async def read_operation(
    request: Request, settings: Settings, *, allow_get: bool = True
) -> Operation:
    """Work out the operation of a GET or POST to the endpoint, or raise a 4xx error."""
    url_params = list(request.query_params.multi_items())
    if request.method in ("GET", "HEAD"):
        params = _merge(url_params)
        if "update" in params:
            raise BadRequest("SPARQL Update must be sent with POST, never GET")
        return _single(Operation(None, params=params), settings)
    media, charset = _media(request)
    if media not in (FORM, QUERY, UPDATE):
        shown = media or "none"
        raise UnsupportedMediaType(
            f"Content-Type {shown} is not supported; POST {FORM}, {QUERY} or {UPDATE}"
        )
    text = _decode(await read_body(request, settings.max_body_bytes), charset)
    if media == FORM:
        form = parse_qsl(text, keep_blank_values=True)
        return _single(Operation(None, params=_merge(url_params, form)), settings)
    kind = "query" if media == QUERY else "update"
    for name in ("query", "update"):
        if name in request.query_params:
            raise BadRequest(
                f"a {media} request carries its text in the body, not a '{name}' parameter"
            )
    return _check_length(Operation(kind, text, _merge(url_params)), settings)


def _single(operation: Operation, settings: Settings) -> Operation:
    queries, updates = operation.all("query"), operation.all("update")
    if queries and updates:
        raise BadRequest("give either a 'query' or an 'update' parameter, not both")
    for name, values in (("query", queries), ("update", updates)):
        if len(values) > 1:
            raise BadRequest(f"give exactly one '{name}' parameter; this request has {len(values)}")
        if values:
            operation.kind, operation.text = name, values[0]
    return _check_length(operation, settings)


def _check_length(operation: Operation, settings: Settings) -> Operation:
    if len(operation.text) > settings.max_query_chars:
        raise PayloadTooLarge(
            f"the {operation.kind} has {len(operation.text)} characters; "
            f"the limit is {settings.max_query_chars}"
        )
    return operation
