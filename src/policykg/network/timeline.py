"""The timeline: dated events, periods as ranges, and the events no source dates, with why.

Kinds: ``publication`` (an article, or a document a claim dates), ``announcement`` (with its
precision: "the week before 24 September 2025"), ``effective``, ``deadline``, ``correction``,
``lawsuit`` and ``regulator-action`` (dated by their earliest dated claim), and ``period``
(claims on one subject holding over the same stated period). Each item is grouped under the
organisation or practice it concerns and lists its claims and sources. Its ``basis`` says
what its date rests on: "stated" (a source gives it) or "reported" (no source says when a
lawsuit or regulator action happened: it is placed at the first report of it).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Store

from ..namespaces import PKG, PREFIXES
from .build import node_table, short_name, source_labels
from .rows import Record, Select, select_store, stored_query

__all__ = ["TimelineRows", "build_timeline", "fetch_timeline", "fetch_timeline_async"]

_TIME = "http://www.w3.org/2006/time#"
_UNITS = {_TIME + "unitWeek": "week", _TIME + "unitMonth": "month", _TIME + "unitYear": "year"}
_DATED = {
    PKG + "announcedOn": ("announcement", "announced"),
    PKG + "effectiveFrom": ("effective", "takes effect"),
    PKG + "effectiveUntil": ("effective", "ends"),
    PKG + "deadline": ("deadline", "deadline"),
    PREFIXES["dct"] + "issued": ("publication", "issued"),
}


@dataclass(frozen=True)
class TimelineRows:
    events: list[Record]
    nodes: list[Record]
    sources: list[Record]


def fetch_timeline(store: Store) -> TimelineRows:
    events, nodes, sources = (
        select_store(store, stored_query(n), {}) for n in ("timeline", "nodes", "sources")
    )
    return TimelineRows(events, nodes, sources)


async def fetch_timeline_async(select: Select) -> TimelineRows:
    events, nodes, sources = [
        await select(stored_query(n), {}) for n in ("timeline", "nodes", "sources")
    ]
    return TimelineRows(events, nodes, sources)


def _long(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def span(start: str, precision: str, issued: str | None = None) -> tuple[str | None, str]:
    """The last day of a date known to ``precision``, and how to say it.

    >>> span("2025-09-15", "week", "2025-09-24")
    ('2025-09-21', 'the week before 24 September 2025')
    >>> span("2022-02-01", "month")
    ('2022-02-28', 'February 2022')
    >>> span("2025-11-03", "day")
    (None, '3 November 2025')
    """
    day = dt.date.fromisoformat(start)
    if precision == "week":
        last = day + dt.timedelta(days=6)
        said = f"the week of {_long(day)}"
        if issued is not None:
            published = dt.date.fromisoformat(issued)
            if last < published <= last + dt.timedelta(days=7):
                said = f"the week before {_long(published)}"
        return last.isoformat(), said
    if precision == "month":
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return last.isoformat(), f"{calendar.month_name[day.month]} {day.year}"
    if precision == "year":
        return f"{day.year}-12-31", str(day.year)
    return None, _long(day)


class _Items:
    """Items merged by id: claims and sources accumulate."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.undated: dict[str, dict[str, Any]] = {}

    def add(
        self, item: dict[str, Any], claims: list[str | None], sources: list[str | None]
    ) -> None:
        held = self.items.setdefault(item["id"], {**item, "claims": [], "sources": []})
        self._extend(held, claims, sources)

    def add_undated(
        self, key: str, label: str, why: str, claims: list[str | None], sources: list[str | None]
    ) -> None:
        held = self.undated.setdefault(
            key, {"label": label, "claims": [], "sources": [], "why": why}
        )
        self._extend(held, claims, sources)

    @staticmethod
    def _extend(held: dict[str, Any], claims: list[str | None], sources: list[str | None]) -> None:
        held["claims"] = sorted(set(held["claims"]) | {c for c in claims if c})
        held["sources"] = sorted(set(held["sources"]) | {s for s in sources if s})


def build_timeline(rows: TimelineRows) -> dict[str, Any]:
    """``{"items", "groups", "undated"}`` as ``GET /timeline.json`` returns it."""
    nodes = node_table(rows.nodes)
    sources = {r["source"]: r for r in rows.sources if r["source"]}
    src_labels = source_labels(rows.sources)

    publishers = {r["publisher"]: r["publisher_label"] for r in rows.sources if r["publisher"]}

    def label(iri: str | None) -> str:
        if iri is None:
            return ""
        if iri in nodes:
            return str(nodes[iri]["label"])
        return publishers.get(iri) or src_labels.get(iri, short_name(iri))

    def article(iri: str) -> str:
        row = sources.get(iri) or {}
        who = row.get("publisher_label") or f"Source {row.get('identifier') or short_name(iri)}"
        return f"{who}: “{row['title']}”" if row.get("title") else who

    out = _Items()

    def item(kind: str, key: str, start: str, label_text: str, group: str, *,
             end: str | None = None, precision: str = "day",
             basis: str = "stated") -> dict[str, Any]:  # fmt: skip
        return {"id": f"{kind}:{key}", "start": start, "end": end, "precision": precision,
                "label": label_text, "kind": kind, "group": group, "group_label": label(group),
                "basis": basis}  # fmt: skip

    actors: dict[str, list[Record]] = defaultdict(list)
    #: Who acts in a lawsuit or regulator action: its events are grouped under them.
    agents = {r["about"]: r["agent"] for r in rows.events if r["kind"] == "actor" and r["agent"]}
    for row in rows.events:
        kind, date, about, source = row["kind"], row["date"], row["about"] or "", row["source"]
        if kind == "publication":
            group = row["agent"] or about
            if date:
                out.add(
                    item("publication", about, date, f"{article(about)} published", group),
                    [],
                    [about],
                )
            else:
                out.add_undated(
                    about,
                    f"{article(about)} published",
                    "the article states no publication date",
                    [],
                    [about],
                )
        elif kind == "correction":
            who = f" by {label(row['agent'])}" if row["agent"] else ""
            text = f"Correction{who}: {row['object']}" if row["object"] else f"Correction{who}"
            if date:
                out.add(
                    item("correction", row["claim"] or "", date, text, about),
                    [row["claim"], row["other"]],
                    [source],
                )
            else:
                out.add_undated(
                    f"correction:{row['claim']}",
                    text,
                    "the correction is not dated",
                    [row["claim"], row["other"]],
                    [source],
                )
        elif kind == "dated" and date:
            event, verb = _DATED[row["predicate"] or ""]
            precision = _UNITS.get(row["unit"] or "", "day")
            issued = (sources.get(source or "") or {}).get("issued")
            end, said = span(date, precision, issued)
            text = f"{label(about)}: {verb}" + (f" ({said})" if precision != "day" else "")
            group = agents.get(about) or about
            out.add(item(event, f"{about}:{date}", date, text, group, end=end, precision=precision),
                    [row["claim"]], [source])  # fmt: skip
        elif kind == "period":
            start, end = date, row["end"]
            if not start:
                continue
            key = f"{about}:{start}:{end or ''}"
            held = out.items.get(f"period:{key}")
            names = sorted(
                {*(held["properties"] if held else []), short_name(row["predicate"] or "")}
            )
            until = f" until {end}" if end else ""
            entry = item(
                "period",
                key,
                start,
                f"{label(about)}: {', '.join(names)} from {start}{until}",
                about,
                end=end,
            )
            out.add({**entry, "properties": names}, [row["claim"]], [source])
            out.items[entry["id"]].update(label=entry["label"], properties=names)
        elif kind == "actor":
            actors[about].append(row)
    for about, claims in sorted(actors.items()):
        kind = nodes.get(about, {}).get("type", "other")
        dates = sorted(r["date"] for r in claims if r["date"])
        agent = next((r["agent"] for r in claims if r["agent"]), None)
        claim_iris, source_iris = [r["claim"] for r in claims], [r["source"] for r in claims]
        reported = sorted(
            str(sources[s]["issued"])
            for s in source_iris
            if s and (sources.get(s) or {}).get("issued")
        )
        if dates:
            out.add(
                item(kind, about, dates[0], label(about), agent or about), claim_iris, source_iris
            )
        elif reported:  # no source says when it happened: placed at the first report of it
            text = f"{label(about)} (reported {reported[0]})"
            entry = item(kind, about, reported[0], text, agent or about, basis="reported")
            out.add(entry, claim_iris, source_iris)
        else:
            said = ", ".join(sorted({src_labels.get(s or "", s or "") for s in source_iris}))
            out.add_undated(
                about,
                label(about),
                f"no source says when; reported by {said}",
                claim_iris,
                source_iris,
            )
    items = sorted(out.items.values(), key=lambda i: (i["start"], i["kind"], i["id"]))
    for entry in items:
        entry.pop("properties", None)
    groups = sorted(
        {(i["group"], i["group_label"]) for i in items}, key=lambda g: (g[1].lower(), g[0])
    )
    return {
        "items": items,
        "groups": [{"id": g, "label": text} for g, text in groups],
        "undated": sorted(out.undated.values(), key=lambda u: u["label"]),
    }
