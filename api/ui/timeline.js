/* The timeline: /timeline.json on a zoomable vis-timeline, one row per organisation or
 * practice. Periods and imprecise dates (a week, a month) are drawn as ranges; clicking
 * an event lists its claims and sources; undated events are listed below with why.
 *
 * For tests the page sets window.policykgTimeline ({timeline, items}) and
 * body[data-items] (how many are drawn) once drawn.
 */
"use strict";

(function () {
  const X = window.PolicykgExplore;
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };
  /* Replace a node's children, leaving out the absent ones (null, undefined, false). */
  const fill = (parent, ...children) => parent.replaceChildren(
    ...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  const KINDS = {
    publication: "Publication", announcement: "Announcement", effective: "Takes effect",
    correction: "Correction", lawsuit: "Lawsuit", "regulator-action": "Regulator action",
    deadline: "Deadline", period: "Period",
  };
  const OPEN_END = "2025-12-31"; // where a period with no stated end is drawn up to

  function utc(day) {
    return new Date(day + "T00:00:00Z");
  }

  function longDate(day) {
    return utc(day).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  /* The end of the span a date of this precision stands for. */
  function precisionEnd(day, precision) {
    const d = utc(day);
    if (precision === "week") d.setUTCDate(d.getUTCDate() + 7);
    else if (precision === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else if (precision === "year") d.setUTCFullYear(d.getUTCFullYear() + 1);
    else return null;
    return d.toISOString().slice(0, 10);
  }

  /* How the date reads, with its precision. */
  function when(item) {
    if (item.precision === "week") return `the week of ${longDate(item.start)} (precision: week)`;
    if (item.precision === "month") {
      return utc(item.start).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" })
        + " (precision: month)";
    }
    if (item.precision === "year") return item.start.slice(0, 4) + " (precision: year)";
    if (item.end) return `${longDate(item.start)} – ${longDate(item.end)}`;
    if (item.kind === "period") return `from ${longDate(item.start)} (no end stated)`;
    return longDate(item.start);
  }

  function visItem(item) {
    const classes = ["pk-kind-" + item.kind];
    let end = item.end;
    if (!end && item.kind === "period") {
      end = OPEN_END;
      classes.push("pk-open-ended");
    }
    if (item.precision && item.precision !== "day") {
      end = end || precisionEnd(item.start, item.precision); // the span the date stands for
      classes.push("pk-imprecise");
    }
    const content = el("span", {}, item.label,
      item.precision && item.precision !== "day" ? el("span", { class: "pk-precision" }, ` · ${item.precision}`) : null);
    return {
      id: item.id, group: item.group, start: item.start, end: end || undefined,
      type: end ? "range" : "box", content, className: classes.join(" "),
      title: `${KINDS[item.kind] || item.kind}: ${when(item)}`,
    };
  }

  function links(iris) {
    return el("ul", {}, iris.map((iri) => el("li", {}, el("a", { href: X.resourcePath(iri) }, X.shortName(iri)),
      " ", el("code", { class: "pk-iri" }, iri))));
  }

  function showPanel(item) {
    const panel = $("pk-panel");
    if (!item) {
      panel.hidden = true;
      delete panel.dataset.item;
      return;
    }
    fill($("pk-panel-body"),
      el("h2", {}, item.label),
      el("p", { class: "pk-type" }, KINDS[item.kind] || item.kind, " · ", item.group_label || ""),
      el("p", { id: "pk-when", dataset: { start: item.start } }, el("strong", {}, when(item))),
      el("h3", {}, `Claims (${item.claims.length})`),
      item.claims.length ? links(item.claims) : el("p", { class: "pk-hint" }, "No claim: the event is the publication itself."),
      el("h3", {}, `Sources (${item.sources.length})`),
      links(item.sources),
      el("p", {}, el("a", { href: "explore?" + new URLSearchParams({ selected: item.group }).toString() }, "Show in the explorer")),
    );
    panel.hidden = false;
    panel.dataset.item = item.id;
  }

  async function main() {
    let data;
    try {
      const response = await fetch("timeline.json", { headers: { Accept: "application/json" } });
      data = await response.json();
      if (!response.ok) throw new Error(data && data.message ? data.message : String(response.status));
    } catch (error) {
      $("pk-status").textContent = "Could not load the timeline: " + error.message;
      document.body.dataset.error = error.message;
      return;
    }
    const byId = new Map(data.items.map((item) => [item.id, item]));
    const groups = new vis.DataSet(data.groups.map((g, order) => ({
      id: g.id, content: el("a", { href: X.resourcePath(g.id) }, g.label), order,
    })));
    const items = new vis.DataSet(data.items.map(visItem));
    // The first view: the explorer's date range (from 2024), where the story is; earlier
    // events (a 2022 user agreement) are a drag or a zoom away.
    const all = data.items.map((item) => item.start).sort();
    const recent = all.filter((day) => day >= X.FIRST_DAY);
    const starts = recent.length ? recent : all;
    const first = utc(starts[0] || "2024-01-01");
    first.setUTCMonth(first.getUTCMonth() - 1);
    const last = utc(starts[starts.length - 1] || OPEN_END);
    last.setUTCMonth(last.getUTCMonth() + 5);
    const timeline = new vis.Timeline($("pk-vis"), items, groups, {
      start: first, end: last, min: "2020-01-01", max: "2030-12-31",
      zoomMin: 7 * 86400000, orientation: "top", stack: true, selectable: true,
      groupOrder: "order", tooltip: { followMouse: true }, margin: { item: 6 }, align: "left",
      xss: { disabled: false },
    });
    timeline.on("select", (event) => showPanel(byId.get(event.items[0]) || null));
    $("pk-panel-close").addEventListener("click", () => {
      timeline.setSelection([]);
      showPanel(null);
    });
    $("pk-undated-list").replaceChildren(...data.undated.map((u) => el("li", {},
      el("strong", {}, u.label), " — ", el("em", {}, u.why),
      u.claims.length ? links(u.claims) : null)));
    $("pk-status").textContent = `${data.items.length} dated events, ${data.undated.length} undated`;
    window.policykgTimeline = { timeline, items: data.items };
    timeline.once("changed", () => {
      document.body.dataset.items = String(data.items.length);
    });
  }

  main();
})();
