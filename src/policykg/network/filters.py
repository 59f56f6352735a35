"""The filters of a network view, parsed and checked once for the HTTP API and the CLI.

Every value is checked by its type; a bad one raises :class:`BadRequest` naming the parameter.

>>> f = Filters.parse([("as_of", "2024-10-01"), ("source", "000_d336fba75509138b")])
>>> f.as_of, f.sources
(datetime.date(2024, 10, 1), ('https://w3id.org/policykg/source/000_d336fba75509138b',))
>>> Filters.parse([("depth", "9"), ("focus", "id:openai")])
Traceback (most recent call last):
...
policykg.errors.BadRequest: parameter 'depth': expected an integer from 1 to 5
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, Variable

from ..errors import BadRequest
from ..namespaces import DEFAULT_BASE
from .iris import expand

__all__ = ["FILTER_NAMES", "NODE_TYPES", "STANCES", "Filters", "bad", "integer", "single"]

#: Node type keys, in legend order.
NODE_TYPES = (
    "organisation",
    "person",
    "practice",
    "data",
    "purpose",
    "jurisdiction",
    "lawsuit",
    "regulator-action",
    "correction",
    "source",
    "product",
    "setting",
    "other",
)
#: Stance keys and the ontology terms they stand for.
STANCES = {
    "asserted": "https://w3id.org/policykg/ontology#Asserted",
    "reported": "https://w3id.org/policykg/ontology#ReportedSpeech",
    "alleged": "https://w3id.org/policykg/ontology#Alleged",
    "denied": "https://w3id.org/policykg/ontology#Denied",
    "inferred": "https://w3id.org/policykg/ontology#Inferred",
}
#: The query parameters a view takes.
FILTER_NAMES = (
    "as_of",
    "source",
    "type",
    "jurisdiction",
    "stance",
    "include_corrected",
    "focus",
    "depth",
)
MAX_DEPTH = 5
_SEED = re.compile(r"^\d{3}_[0-9a-f]{16}$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


def bad(name: str, expected: str) -> BadRequest:
    """The error for parameter ``name``: ``parameter 'name': expected …``."""
    return BadRequest(f"parameter {name!r}: {expected}")


def single(name: str, values: list[str]) -> str:
    """The one value of a parameter that may be given once."""
    if len(values) != 1:
        raise bad(name, "given more than once")
    return values[0]


def integer(name: str, raw: str, low: int, high: int) -> int:
    """An integer from ``low`` to ``high``."""
    if not re.fullmatch(r"\d{1,3}", raw) or not low <= int(raw) <= high:
        raise bad(name, f"expected an integer from {low} to {high}")
    return int(raw)


def _iri(name: str, raw: str, base: str, what: str) -> str:
    iri = expand(raw, base)
    if iri is None:
        raise bad(name, f"expected {what}")
    return iri


@dataclass(frozen=True)
class Filters:
    """What a view keeps. Hashable, so it keys caches."""

    as_of: dt.date | None = None
    sources: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    jurisdiction: str | None = None
    stances: tuple[str, ...] = ()
    include_corrected: bool = False
    focus: str | None = None
    depth: int | None = None

    @property
    def hops(self) -> int:
        """How far from ``focus`` the view reaches (2 unless ``depth`` says)."""
        return self.depth if self.depth is not None else 2

    @classmethod
    def parse(cls, items: Iterable[tuple[str, str]], base: str = DEFAULT_BASE) -> Filters:
        """Filters from (name, value) pairs; a name outside FILTER_NAMES is refused."""
        values: dict[str, list[str]] = {}
        for name, value in items:
            if name not in FILTER_NAMES:
                raise BadRequest(
                    f"unknown parameter {name!r}; this view takes: {', '.join(FILTER_NAMES)}"
                )
            values.setdefault(name, []).append(value)
        return cls.from_values(values, base)

    @classmethod
    def from_values(cls, values: dict[str, list[str]], base: str = DEFAULT_BASE) -> Filters:
        """Filters from each parameter's list of values (repeatable ones may hold several)."""
        fields: dict[str, Any] = {}
        if "as_of" in values:
            raw = single("as_of", values["as_of"])
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                    raise ValueError(raw)
                fields["as_of"] = dt.date.fromisoformat(raw)
            except ValueError:
                raise bad("as_of", "expected a date YYYY-MM-DD") from None
        sources = []
        for raw in values.get("source", []):
            if _SEED.match(raw):
                raw = base + "source/" + raw
            sources.append(
                _iri("source", raw, base, "a seed id (like 000_d336fba75509138b) or a source IRI")
            )
        fields["sources"] = tuple(sorted(set(sources)))
        types = values.get("type", [])
        for raw in types:
            if raw not in NODE_TYPES:
                raise bad("type", f"expected one of {', '.join(NODE_TYPES)}")
        fields["types"] = tuple(sorted(set(types)))
        if "jurisdiction" in values:
            raw = single("jurisdiction", values["jurisdiction"])
            fields["jurisdiction"] = _iri(
                "jurisdiction", raw, base, "an IRI or a curie like loc:NL"
            )
        stances = values.get("stance", [])
        for raw in stances:
            if raw not in STANCES:
                raise bad("stance", f"expected one of {', '.join(STANCES)}")
        fields["stances"] = tuple(sorted(set(stances)))
        if "include_corrected" in values:
            raw = single("include_corrected", values["include_corrected"])
            if raw not in ("true", "false"):
                raise bad("include_corrected", "expected true or false")
            fields["include_corrected"] = raw == "true"
        if "focus" in values:
            raw = single("focus", values["focus"])
            fields["focus"] = _iri("focus", raw, base, "an IRI or a curie like id:linkedin")
        if "depth" in values:
            fields["depth"] = integer("depth", single("depth", values["depth"]), 1, MAX_DEPTH)
            if "focus" not in fields:
                raise bad("depth", "needs a 'focus' node to count hops from")
        return cls(**fields)

    def to_json(self) -> dict[str, Any]:
        """The filters as the API echoes them."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "source": list(self.sources),
            "type": list(self.types),
            "jurisdiction": self.jurisdiction,
            "stance": list(self.stances),
            "include_corrected": self.include_corrected,
            "focus": self.focus,
            "depth": self.hops if self.focus else None,
        }

    def substitutions(self) -> dict[Variable, NamedNode | Literal]:
        """The bound parameters of the claims query (``as_of`` only when given)."""
        bound: dict[Variable, NamedNode | Literal] = {
            Variable("include_corrected"): Literal(
                "true" if self.include_corrected else "false", datatype=NamedNode(_XSD + "boolean")
            )
        }
        if self.as_of is not None:
            bound[Variable("as_of")] = Literal(
                self.as_of.isoformat(), datatype=NamedNode(_XSD + "date")
            )
        return bound

    def fetch_key(self) -> tuple[str | None, bool]:
        """The part of the filters the store query depends on."""
        return (self.as_of.isoformat() if self.as_of else None, self.include_corrected)
