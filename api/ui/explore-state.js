/* The explorer's logic that needs no page: the view's state in the URL, the filters as
 * the /network query string, label search, resource links, and the look of each type.
 *
 * A plain script: in the browser it sets window.PolicykgExplore; under node
 * (tests/browser/js/*.test.cjs, run by node --test) it is a CommonJS module.
 */
"use strict";

(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.PolicykgExplore = factory();
})(typeof self !== "undefined" ? self : this, function () {
  /* Node types of the contract, with colour and Cytoscape.js shape. */
  const TYPES = [
    { key: "organisation", label: "Organisation", color: "#4e79a7", shape: "round-rectangle" },
    { key: "person", label: "Person or group of people", color: "#59a14f", shape: "ellipse" },
    { key: "practice", label: "Data-use practice", color: "#f28e2b", shape: "hexagon" },
    { key: "data", label: "Personal data", color: "#76b7b2", shape: "barrel" },
    { key: "purpose", label: "Purpose", color: "#edc948", shape: "round-tag" },
    { key: "jurisdiction", label: "Jurisdiction", color: "#b07aa1", shape: "octagon" },
    { key: "lawsuit", label: "Lawsuit", color: "#e15759", shape: "diamond" },
    { key: "regulator-action", label: "Regulator action", color: "#ff9da7", shape: "pentagon" },
    { key: "correction", label: "Correction", color: "#9c755f", shape: "star" },
    { key: "source", label: "Source (article)", color: "#bab0ac", shape: "rectangle" },
    { key: "product", label: "Product or service", color: "#8cd17d", shape: "cut-rectangle" },
    { key: "setting", label: "Setting", color: "#d4a6c8", shape: "rhomboid" },
    { key: "other", label: "Other", color: "#c7c7c7", shape: "round-pentagon" },
  ];
  const TYPE_KEYS = TYPES.map((t) => t.key);
  const STANCES = ["asserted", "reported", "alleged", "denied", "inferred"];
  const LANGS = ["en", "nl", "de"];
  const BASE = "https://w3id.org/policykg/";
  const FIRST_DAY = "2024-01-01";
  const LAST_DAY = "2025-12-31";
  const DAY_MS = 86400000;

  /* The view when the URL says nothing. */
  function defaults() {
    return {
      as_of: null, source: [], type: [], jurisdiction: null, stance: [],
      include_corrected: false, focus: null, depth: 2, selected: null,
      from: null, to: null, lang: "en",
    };
  }

  function isDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    const d = new Date(text + "T00:00:00Z");
    return !isNaN(d) && d.toISOString().slice(0, 10) === text;
  }

  /* A URL query string (with or without "?") → the view; unknown or bad values are dropped. */
  function parseState(search) {
    const params = new URLSearchParams(search || "");
    const state = defaults();
    const asOf = params.get("as_of");
    if (asOf && isDay(asOf)) state.as_of = asOf;
    state.source = unique(params.getAll("source").filter(Boolean));
    state.type = unique(params.getAll("type").filter((t) => TYPE_KEYS.includes(t)));
    state.stance = unique(params.getAll("stance").filter((s) => STANCES.includes(s)));
    state.jurisdiction = params.get("jurisdiction") || null;
    state.include_corrected = params.get("include_corrected") === "true";
    state.focus = params.get("focus") || null;
    const depth = Number(params.get("depth"));
    if (Number.isInteger(depth) && depth >= 1 && depth <= 5) state.depth = depth;
    state.selected = params.get("selected") || null;
    state.from = params.get("from") || null;
    state.to = params.get("to") || null;
    const lang = params.get("lang");
    if (LANGS.includes(lang)) state.lang = lang;
    return state;
  }

  function unique(list) {
    return Array.from(new Set(list));
  }

  /* The filters alone, as /network's query parameters (defaults left out). */
  function filterParams(state) {
    const params = new URLSearchParams();
    if (state.as_of) params.set("as_of", state.as_of);
    for (const s of state.source) params.append("source", s);
    for (const t of state.type) params.append("type", t);
    if (state.jurisdiction) params.set("jurisdiction", state.jurisdiction);
    for (const s of state.stance) params.append("stance", s);
    if (state.include_corrected) params.set("include_corrected", "true");
    if (state.focus) {
      params.set("focus", state.focus);
      params.set("depth", String(state.depth));
    }
    return params;
  }

  /* The query string of /network?… for the view (format: cytoscape when not given). */
  function networkQuery(state, format) {
    const params = filterParams(state);
    if (format) params.set("format", format);
    return params.toString();
  }

  /* The query string of /network/claims?… for some edges (ids) and the edges touching
   * some nodes, under the view's filters; neither given: every edge of the view. */
  function claimsQuery(state, edges, nodes) {
    const params = filterParams(state);
    for (const id of edges || []) params.append("edge", id);
    for (const id of nodes || []) params.append("node", id);
    return params.toString();
  }

  /* /network?format=compact (arrays, no claims) as the Cytoscape.js elements the page
   * draws: nodes {data: {id, iri, label, labels, type}}, edges {data: {id, source, target,
   * property, label, count, disputed, corrected, stances}} (the claims come apart). */
  function expandCompact(answer) {
    const ids = answer.nodes.map((row) => row[0]);
    const nodes = answer.nodes.map(([iri, label, type, labels]) => ({
      data: { id: iri, iri, label, labels, type },
    }));
    const edges = answer.edges.map(([s, t, p, count, disputed, corrected, stances]) => {
      const source = ids[s];
      const target = ids[t];
      const prop = answer.properties[p];
      return {
        data: {
          id: source + "|" + prop.iri + "|" + target, source, target, property: prop.iri,
          label: prop.label, count, disputed, corrected, stances,
        },
      };
    });
    return { elements: { nodes, edges }, filters: answer.filters, counts: answer.counts };
  }

  /* The query string of /network/paths?… between two nodes, under the view's filters. */
  function pathsQuery(state, from, to, k) {
    const params = filterParams(state);
    params.delete("focus");
    params.delete("depth");
    params.set("from", from);
    params.set("to", to);
    params.set("k", String(k || 3));
    return params.toString();
  }

  /* The whole view (filters, selection, path ends, language) as the page's query string. */
  function encodeState(state) {
    const params = filterParams(state);
    if (!state.focus && state.depth !== 2) params.set("depth", String(state.depth));
    if (state.selected) params.set("selected", state.selected);
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.lang !== "en") params.set("lang", state.lang);
    return params.toString();
  }

  /* Where an entity's page is on this server: https://w3id.org/policykg/id/x → /id/x;
   * IRIs outside the project's namespace get their SPARQL DESCRIBE. */
  function resourcePath(iri) {
    if (iri.startsWith(BASE) && iri.length > BASE.length) {
      return "/" + iri.slice(BASE.length).split("/").map(encodeURIComponent).join("/");
    }
    return "/sparql?query=" + encodeURIComponent("DESCRIBE <" + iri + ">");
  }

  /* Lower case, without accents: "Linkedin-Nutzer" and "linkedin nutzer" meet. */
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* One entry per (node, language) label, for search. */
  function labelIndex(nodes) {
    const index = [];
    for (const node of nodes) {
      const data = node.data || node;
      const seen = new Set();
      const labels = Object.entries(data.labels || {});
      if (data.label && !labels.some(([, text]) => text === data.label)) {
        labels.unshift(["", data.label]);
      }
      for (const [lang, text] of labels) {
        if (seen.has(text)) continue;
        seen.add(text);
        index.push({ id: data.id, label: text, lang, type: data.type, key: fold(text) });
      }
    }
    return index;
  }

  /* Labels matching what was typed: whole-label prefix first, then word prefix, then
   * anywhere; one entry per node (its best label), at most `limit`. */
  function searchLabels(index, text, limit) {
    const query = fold(text).trim();
    if (!query) return [];
    const scored = [];
    for (const entry of index) {
      let rank = -1;
      if (entry.key.startsWith(query)) rank = 0;
      else if (entry.key.split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(query))) rank = 1;
      else if (entry.key.includes(query)) rank = 2;
      if (rank >= 0) scored.push({ rank, entry });
    }
    scored.sort((a, b) => a.rank - b.rank || a.entry.label.length - b.entry.label.length
      || a.entry.label.localeCompare(b.entry.label));
    const out = [];
    const taken = new Set();
    for (const { entry } of scored) {
      if (taken.has(entry.id)) continue;
      taken.add(entry.id);
      out.push(entry);
      if (out.length === (limit || 10)) break;
    }
    return out;
  }

  /* A node's label in the chosen language, else its main label. */
  function labelIn(data, lang) {
    return (data.labels && data.labels[lang]) || data.label || data.id;
  }

  /* The distinct stances of an edge's claims (a compact edge carries them alone). */
  function edgeStances(data) {
    return data.stances || unique((data.claims || []).map((c) => c.stance));
  }

  /* The classes an edge is drawn with. */
  function edgeClasses(data) {
    const classes = [];
    if (data.corrected) classes.push("corrected");
    if (data.disputed) classes.push("disputed");
    if (data.count > 1) classes.push("several");
    const stances = edgeStances(data);
    if (stances.length === 1) classes.push("stance-" + stances[0]);
    return classes.join(" ");
  }

  /* An edge's caption: its property, ×count for several claims, struck through when
   * all its claims are corrected (combining long stroke, which a canvas draws too). */
  function edgeCaption(data) {
    let text = data.label + (data.count > 1 ? " ×" + data.count : "");
    if (data.corrected) text = Array.from(text).map((c) => c + "\u0336").join("");
    return text;
  }

  /* Days between the slider's two ends, and back. */
  function dayToIndex(day) {
    return Math.round((Date.parse(day + "T00:00:00Z") - Date.parse(FIRST_DAY + "T00:00:00Z"))
      / DAY_MS);
  }
  function indexToDay(index) {
    return new Date(Date.parse(FIRST_DAY + "T00:00:00Z") + index * DAY_MS)
      .toISOString().slice(0, 10);
  }

  /* Places for a view too large to lay out by force, computed at once: the nodes by
   * degree (most connected first, ties by id) along a sunflower spiral, so the hubs sit
   * in the middle and each node has about the same room (π × spacing²).
   * nodes: ids; edges: {source, target}. Returns a Map id → {x, y}. */
  function spiralPositions(nodes, edges, spacing) {
    const degree = new Map(nodes.map((id) => [id, 0]));
    for (const edge of edges) {
      if (degree.has(edge.source)) degree.set(edge.source, degree.get(edge.source) + 1);
      if (degree.has(edge.target)) degree.set(edge.target, degree.get(edge.target) + 1);
    }
    const order = nodes.slice().sort((a, b) =>
      degree.get(b) - degree.get(a) || (a < b ? -1 : a > b ? 1 : 0));
    const turn = Math.PI * (3 - Math.sqrt(5)); // the golden angle
    const places = new Map();
    order.forEach((id, i) => {
      const r = spacing * Math.sqrt(i + 0.5);
      places.set(id, { x: r * Math.cos(i * turn), y: r * Math.sin(i * turn) });
    });
    return places;
  }

  /* The short name of an IRI: its last path segment or fragment. */
  function shortName(iri) {
    const parts = String(iri).split(/[#/]/);
    return parts[parts.length - 1] || String(iri);
  }

  return {
    TYPES, TYPE_KEYS, STANCES, LANGS, BASE, FIRST_DAY, LAST_DAY,
    defaults, parseState, encodeState, filterParams, networkQuery, pathsQuery, claimsQuery,
    expandCompact, edgeStances,
    resourcePath, fold, labelIndex, searchLabels, labelIn, edgeClasses, edgeCaption,
    dayToIndex, indexToDay, shortName, isDay, spiralPositions,
  };
});
