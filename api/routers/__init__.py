"""One router per resource (see `api.app` for the order they are included in)."""

__all__: list[str] = []
