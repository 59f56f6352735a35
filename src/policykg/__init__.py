"""policykg: a knowledge graph of how companies use people's data to train AI.

Every fact is a claim with provenance: who said it, where, when, for which
jurisdiction and period, and whether it was later corrected.

>>> from policykg import PolicyGraph, Settings
>>> Settings().base_iri
'https://w3id.org/policykg/'
"""

__version__ = "0.1.0"  # first: the modules imported below read it

from typing import TYPE_CHECKING, Any

from policykg.errors import (
    BadRequest,
    BuildError,
    NotAcceptable,
    NotFound,
    ParameterError,
    PolicyKGError,
    QuerySyntaxError,
    QueryTimeout,
)

if TYPE_CHECKING:
    from policykg.kg import PolicyGraph, Rows
    from policykg.settings import Settings

__all__ = [
    "BadRequest",
    "BuildError",
    "NotAcceptable",
    "NotFound",
    "ParameterError",
    "PolicyGraph",
    "PolicyKGError",
    "QuerySyntaxError",
    "QueryTimeout",
    "Rows",
    "Settings",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """``PolicyGraph``, ``Rows`` and ``Settings``, imported when first asked for: a command
    that needs neither (``policykg check``) does not pay for the query engine's imports."""
    if name in ("PolicyGraph", "Rows"):
        from policykg import kg

        return getattr(kg, name)
    if name == "Settings":
        from policykg.settings import Settings

        return Settings
    raise AttributeError(f"module 'policykg' has no attribute {name!r}")
