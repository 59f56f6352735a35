"""Errors that carry their HTTP status and a message fit to show a user.

One handler in the API renders every :class:`PolicyKGError` as JSON; the CLI prints
the message and exits non-zero. Nothing else is turned into a user-facing error.

>>> err = QueryTimeout("query exceeded the 30 s limit")
>>> err.status, err.title
(503, 'Query timed out')
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "BuildError",
    "Forbidden",
    "NotAcceptable",
    "NotAvailable",
    "NotFound",
    "ParameterError",
    "PayloadTooLarge",
    "PolicyKGError",
    "QueryFileError",
    "QuerySyntaxError",
    "QueryTimeout",
    "ServerBusy",
    "Unauthorized",
    "UnsupportedMediaType",
    "WorkerStopped",
]


class PolicyKGError(Exception):
    """Base class: ``status`` is the HTTP status, ``title`` a short name for the kind."""

    status = 500
    title = "Internal error"
    #: Extra response headers (``Retry-After`` for the 503s that ask to come back).
    headers: dict[str, str] = {}  # noqa: RUF012 - never mutated

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(PolicyKGError):
    status = 400
    title = "Bad request"


class QuerySyntaxError(BadRequest):
    title = "Query syntax error"


class ParameterError(BadRequest):
    title = "Bad parameter"


class Unauthorized(PolicyKGError):
    status = 401
    title = "Unauthorized"


class Forbidden(PolicyKGError):
    status = 403
    title = "Forbidden"


class NotFound(PolicyKGError):
    status = 404
    title = "Not found"


class NotAcceptable(PolicyKGError):
    status = 406
    title = "Not acceptable"


class PayloadTooLarge(PolicyKGError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(PolicyKGError):
    status = 415
    title = "Unsupported media type"


class QueryTimeout(PolicyKGError):
    status = 503
    title = "Query timed out"


class ServerBusy(PolicyKGError):
    """Too many queries already wait for a worker; the client should retry shortly."""

    status = 503
    title = "Server busy"
    headers = {"Retry-After": "1"}  # noqa: RUF012 - never mutated


class WorkerStopped(PolicyKGError):
    """The worker running a request died (killed, out of memory); it has been replaced."""

    status = 503
    title = "Worker stopped"
    headers = {"Retry-After": "1"}  # noqa: RUF012 - never mutated


class QueryFileError(PolicyKGError):
    """A named-query file whose header cannot be read."""

    title = "Bad query file"


class BuildError(PolicyKGError):
    """The sources failed to parse or validate; ``problems`` lists each in plain words."""

    title = "Build failed"

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class NotAvailable(PolicyKGError):
    """A feature this server's store does not offer (the search index of a remote store)."""

    status = 501
    title = "Not available"
