"""Limits of the in-process lookups, in a module of their own so that reading the settings
does not import the query engine (``policykg check`` starts faster)."""

__all__ = ["INLINE_MAX_QUADS", "ROW_BUDGET"]

#: Rows an inline query may read before it is handed to a worker (about a millisecond).
ROW_BUDGET = 1000

#: Stores up to this many quads are copied into memory for lookups (about 0.9 GB); larger
#: ones are read on disk, where a lookup takes tens of microseconds more.
INLINE_MAX_QUADS = 2_000_000
