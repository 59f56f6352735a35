"""Limits of the in-process lookups, in a module of their own so that reading the settings
does not import the query engine (``policykg check`` starts faster)."""

__all__ = ["INLINE_MAX_QUADS", "ROW_BUDGET"]

#: Rows an inline query may read before it is handed to a worker (about a millisecond).
ROW_BUDGET = 1000

#: Stores up to this many quads are copied into memory for lookups; larger ones are read on
#: disk. The copy is made in a thread of the server process, but pyoxigraph holds the GIL
#: while it copies (about 10 µs a quad): at 1.2 million quads the server's event loop stood
#: still for over 10 s, at start and again after each write. A lookup on disk takes about as
#: long as in memory (0.2 ms either way at 1.2 million quads), so only small stores are copied.
INLINE_MAX_QUADS = 50_000
