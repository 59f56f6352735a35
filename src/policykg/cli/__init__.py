"""The ``policykg`` command line: commands, terminal tables and the named-query docs."""

from policykg.cli.commands import app

__all__ = ["app"]
