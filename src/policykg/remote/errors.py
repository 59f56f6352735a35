"""Errors of a remote store, beside the project's own (:mod:`policykg.errors`).

A bad query or update is the user's error and keeps its 400 (with the server's message);
what goes wrong between us and the store is a gateway error (502), or 503 when the store
cannot be reached at all.

>>> StoreUnavailable("x").status, StoreError("x").status
(503, 502)
"""

from __future__ import annotations

from policykg.errors import PolicyKGError

__all__ = ["StoreError", "StoreUnavailable"]


class StoreUnavailable(PolicyKGError):
    """The store could not be reached (connection refused, no such host)."""

    status = 503
    title = "Store unavailable"
    headers = {"Retry-After": "1"}  # noqa: RUF012 - never mutated


class StoreError(PolicyKGError):
    """The store answered with an error that is not the request's fault."""

    status = 502
    title = "Store error"
