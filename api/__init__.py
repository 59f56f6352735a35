"""The HTTP API: a SPARQL 1.1 endpoint, named queries and a query page over the policy graph.

This folder is the ``policykg.api`` package (``src/policykg/api`` links here).
"""

__all__: list[str] = []
