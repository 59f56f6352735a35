"""One exception handler: every error is JSON ``{"error", "message", "status"}``.

Unexpected exceptions become a 500 with a generic message; their details go to the log,
never to the client.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from policykg.errors import PolicyKGError, Unauthorized

from .allow import allowed_methods

__all__ = ["error_response", "install_error_handlers"]

log = logging.getLogger("policykg.api")

_MESSAGE_CHARS = 2_000
_TITLES = {404: "Not found", 405: "Method not allowed", 400: "Bad request"}


def error_response(
    status: int, title: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    if len(message) > _MESSAGE_CHARS:  # never echo a huge input back
        message = message[:_MESSAGE_CHARS] + "…"
    body = {"error": title, "message": message, "status": status}
    return JSONResponse(body, status_code=status, headers=headers)


async def _policykg(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PolicyKGError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else exc.headers
    if exc.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return error_response(exc.status, exc.title, exc.message, headers)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    title = _TITLES.get(exc.status_code, "HTTP error")
    message = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
        if methods := allowed_methods(request.app.router.routes, request.scope):
            headers["Allow"] = ", ".join(methods)
    return error_response(exc.status_code, title, message, headers)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return error_response(400, "Bad request", f"{where}: {first.get('msg', 'invalid request')}")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal error", "the server failed unexpectedly; see its log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PolicyKGError, _policykg)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
