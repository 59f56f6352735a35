"""One router per resource: sparql, store, queries, health (and ui, when present)."""

__all__: list[str] = []
