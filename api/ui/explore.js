/* The graph explorer: draws /network?…&format=compact with Cytoscape.js and fCoSE, keeps
 * the view in the URL, and explains each edge by its claims (quote, source, stance), read
 * from /network/claims: all of them once a small view is drawn, an edge's or a node's
 * when it is opened in a large one. The filter lists and search come from
 * /network/catalogue, after the first drawing.
 *
 * The logic that needs no page lives in explore-state.js (window.PolicykgExplore).
 * Views of more than LARGE nodes are drawn by sigma.js instead (explore-sigma.js).
 * For tests and scripts the page sets window.policykgExplorer ({cy, big, state, view}:
 * cy the Cytoscape.js instance or big the sigma.js view, whichever draws) and, after
 * each draw, body[data-drawn] (a counter), data-nodes and data-edges; after the first,
 * data-first-draw-ms (from the start of navigation to the drawing on the canvas: the
 * animation frame in which it is drawn), data-first-frame-ms (the frame after it begins)
 * and data-ready-ms (filters and search ready too).
 */
"use strict";

(function () {
  const X = window.PolicykgExplore;
  const started = performance.now();
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };
  /* Replace a node's children, leaving out the absent ones (null, undefined, false). */
  const fill = (parent, ...children) => parent.replaceChildren(
    ...children.flat().filter((c) => c !== null && c !== undefined && c !== false));

  /* A small mark in a type's colour and shape, for the legend, search and panel. */
  const swatch = (key) => {
    const type = X.TYPES.find((t) => t.key === key) || X.TYPES[X.TYPES.length - 1];
    const mark = el("span", { class: "pk-swatch", dataset: { type: type.key, shape: type.shape } });
    mark.style.backgroundColor = type.color;
    return mark;
  };

  // Over this many nodes a view is drawn by sigma.js: Cytoscape.js took 30 s on 1,000
  // nodes and 4,500 edges (benchmarks/README.md), sigma.js a few seconds on 5,000.
  const LARGE = 300;

  let state = X.parseState(location.search);
  let cy = null; // Cytoscape.js, drawing views of up to LARGE nodes
  let big = null; // or the sigma.js view (explore-sigma.js), drawing larger ones
  let view = null; // the last /network answer drawn
  let catalogue = null; // everything there is, for the filter lists and search
  let claims = { state: null, byEdge: new Map() }; // the drawn view's claims read so far
  let index = []; // label search over the catalogue's nodes
  let paths = []; // the last /network/paths answer
  let pathShown = 0;
  let loadSeq = 0;
  let drawn = 0;

  /* Scripts loaded when first needed, each library's files in order (the server answers
   * a client at most a few requests at a time): Cytoscape.js for small views and sigma.js
   * for large ones (both asked for by explore-start.js as the page began), the SVG writer. */
  const start = window.PolicykgExploreStart;
  const LATER = { ...start.LIBRARIES, svg: ["static/ui/explore-svg.js"] };
  const loaded = new Map(Object.entries(start.scripts));
  function loadLater(name) {
    if (!loaded.has(name)) loaded.set(name, start.loadScripts(LATER[name]));
    const chain = loaded.get(name);
    chain.catch(() => { if (loaded.get(name) === chain) loaded.delete(name); }); // asked again
    return chain;
  }
  let fcose = null; // fCoSE registered with Cytoscape.js, once both have loaded
  function loadCytoscape() {
    if (!fcose) {
      fcose = loadLater("cytoscape").then(() => cytoscape.use(cytoscapeFcose));
      fcose.catch(() => { fcose = null; });
    }
    return fcose;
  }

  /* ---- data ---------------------------------------------------------------------- */

  async function fetchJson(url) {
    return readJson(fetch(url, { headers: { Accept: "application/json" } }));
  }

  /* The JSON of a response, or an error saying why there is none. */
  async function readJson(request) {
    const response = await request;
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) {
      const why = body && body.message ? body.message : response.status + " " + response.statusText;
      throw new Error(why);
    }
    return body;
  }

  function nodeLabel(id) {
    const node = drawnData(id) || (catalogue && catalogue.nodes.get(id));
    return node ? X.labelIn(node, state.lang) : X.shortName(id);
  }

  /* Sources, jurisdictions and nodes of the whole graph (corrected claims included),
   * from /network/catalogue. */
  function readCatalogue(answer) {
    const sources = new Map(answer.sources.map((s) => [s.iri, s.label]));
    const jurisdictions = new Map(answer.jurisdictions.map((j) => [j.iri, j.label]));
    const nodes = new Map(answer.nodes.map(([iri, label, type, labels]) =>
      [iri, { id: iri, iri, label, type, labels }]));
    return { sources, jurisdictions, nodes };
  }

  /* The catalogue, fetched once; the filter lists and search are built from it. */
  let catalogueReady = null;
  function loadCatalogue() {
    if (!catalogueReady) {
      catalogueReady = fetchJson("network/catalogue")
        .then((answer) => {
          catalogue = readCatalogue(answer);
          index = X.labelIndex(Array.from(catalogue.nodes.values()));
          buildFilters();
        });
      catalogueReady.catch(() => { catalogueReady = null; });
    }
    return catalogueReady;
  }

  async function load() {
    const seq = ++loadSeq;
    syncUrl();
    setStatus("Loading…");
    try {
      const query = X.networkQuery(state, "compact");
      // The first view was asked for by explore-start.js, as the page began.
      const early = start.network && start.query === query ? start.network : null;
      start.network = null;
      const answer = X.expandCompact(await (early ? readJson(early) : fetchJson("network?" + query)));
      if (seq !== loadSeq) return; // a newer view was asked for meanwhile
      if (!drawn) document.body.dataset.fetchedMs = String(Math.round(performance.now()));
      claims = { state: { ...state }, byEdge: new Map() };
      await draw(answer);
      if (seq !== loadSeq) return;
      // Drawn first; then, once that frame is done and the page idle, the catalogue
      // (once) and, for a view small enough to hover over, all its claims.
      await idle();
      if (seq !== loadSeq) return;
      await Promise.all([
        catalogue ? null : loadCatalogue(),
        answer.elements.nodes.length > LARGE ? null : readClaims({}),
      ]);
      if (seq !== loadSeq) return;
      afterDraw();
    } catch (error) {
      if (seq !== loadSeq) return;
      setStatus("Could not load the network: " + error.message, true);
      document.body.dataset.error = error.message;
    }
  }

  /* Resolves after the next frame, when the page is idle (or after a second). */
  function idle() {
    return new Promise((resolve) => requestAnimationFrame(() => {
      if (window.requestIdleCallback) requestIdleCallback(() => resolve(), { timeout: 1000 });
      else setTimeout(resolve, 0);
    }));
  }

  /* ---- claims -------------------------------------------------------------------- */

  /* Read the drawn view's claims from /network/claims: of some edges (ids), of the edges
   * touching some nodes, or (neither) of every edge. Resolves once they are in `claims`
   * (if the view is still the one drawn). */
  async function readClaims({ edges, nodes }) {
    const mine = claims;
    const wanted = (edges || []).filter((id) => !mine.byEdge.has(id));
    if (edges && !wanted.length && !nodes) return;
    const params = X.claimsQuery(mine.state, wanted, nodes);
    const answer = await fetchJson("network/claims?" + params);
    for (const [id, list] of Object.entries(answer.edges)) mine.byEdge.set(id, list);
  }

  /* The claims of an edge read so far, or null. */
  function claimsOf(id) {
    return claims.byEdge.get(id) || null;
  }

  /* ---- drawing ------------------------------------------------------------------- */

  function stylesheet() {
    const style = [
      {
        selector: "node",
        style: {
          label: "data(name)", "font-size": 11, color: "#222", "text-wrap": "wrap",
          "text-max-width": 110, "text-valign": "bottom", "text-margin-y": 3,
          width: 26, height: 26, "border-width": 1, "border-color": "#ffffff",
          "text-background-color": "#ffffff", "text-background-opacity": 0.7,
          "text-background-padding": 1, "min-zoomed-font-size": 4,
        },
      },
      { selector: "node[type = 'practice']", style: { width: 38, height: 38, "font-weight": "bold" } },
    ];
    for (const t of X.TYPES) {
      style.push({
        selector: `node[type = '${t.key}']`,
        style: { "background-color": t.color, shape: t.shape },
      });
    }
    style.push(
      {
        selector: "edge",
        style: {
          width: "mapData(count, 1, 5, 1.4, 6)", "line-color": "#9a9a9a",
          "target-arrow-shape": "triangle", "target-arrow-color": "#9a9a9a",
          "arrow-scale": 0.8, "curve-style": "bezier", label: "data(caption)",
          "font-size": 8, color: "#555", "text-rotation": "autorotate",
          "text-background-color": "#ffffff", "text-background-opacity": 0.85,
          "text-background-padding": 1, "min-zoomed-font-size": 5,
        },
      },
      { selector: "edge.stance-alleged, edge.stance-denied", style: { "line-color": "#7b4fa0", "target-arrow-color": "#7b4fa0" } },
      {
        selector: "edge.disputed",
        style: { "line-style": "dashed", "line-dash-pattern": [7, 4], "line-color": "#e07b00", "target-arrow-color": "#e07b00", color: "#a65800" },
      },
      {
        selector: "edge.corrected",
        style: { "line-style": "dotted", "line-color": "#c0392b", "target-arrow-color": "#c0392b", color: "#c0392b" },
      },
      { selector: "node:selected, node.selected", style: { "border-width": 4, "border-color": "#111" } },
      { selector: "node.path-end", style: { "border-width": 4, "border-color": "#d62728" } },
      { selector: "node.on-path", style: { "border-width": 3, "border-color": "#d62728" } },
      { selector: "edge.on-path", style: { "line-color": "#d62728", "target-arrow-color": "#d62728", width: 5, "z-index": 10, color: "#d62728" } },
      { selector: ".faded", style: { opacity: 0.2 } },
    );
    return style;
  }

  function elementsOf(answer) {
    return {
      nodes: answer.elements.nodes.map((n) => ({
        group: "nodes", data: { ...n.data, name: X.labelIn(n.data, state.lang) },
      })),
      edges: answer.elements.edges.map((e) => ({
        group: "edges", data: { ...e.data, caption: X.edgeCaption(e.data) },
        classes: X.edgeClasses(e.data),
      })),
    };
  }

  /* Draw a /network answer; resolves once it is on the canvas. Views of more than LARGE
   * nodes are placed at once (X.spiralPositions) and drawn plain; smaller ones keep the
   * places of the nodes already drawn and are laid out by fCoSE. */
  function draw(answer) {
    view = answer;
    if (answer.elements.nodes.length > LARGE) return loadLater("sigma").then(() => drawLarge(answer));
    return loadCytoscape().then(() => drawSmall(answer));
  }

  function drawSmall(answer) {
    const elements = elementsOf(answer);
    if (big) {
      big.kill();
      big = null;
    }
    const before = new Map();
    if (!cy) {
      cy = cytoscape({
        container: $("pk-cy"), elements: [], style: stylesheet(),
        minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false,
        selectionType: "single", textureOnViewport: elements.nodes.length > 1500,
        hideEdgesOnViewport: elements.edges.length > 3000,
      });
      bindCanvas();
    } else {
      cy.nodes().forEach((n) => before.set(n.id(), { ...n.position() }));
    }
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements.nodes);
      cy.add(elements.edges);
    });
    let kept = 0;
    if (before.size) {
      // Keep the places of nodes already drawn; put new ones beside a drawn neighbour.
      cy.nodes().forEach((n) => {
        const at = before.get(n.id());
        if (at) { n.position(at); kept++; return; }
        const near = n.neighborhood("node").filter((m) => before.has(m.id()));
        if (near.nonempty()) {
          const p = before.get(near[0].id());
          n.position({ x: p.x + 30 * (Math.random() - 0.5), y: p.y + 30 * (Math.random() - 0.5) });
        }
      });
    }
    const laidOut = performance.now();
    return new Promise((resolve) => {
      const stop = () => {
        document.body.dataset.layoutMs = String(Math.round(performance.now() - laidOut));
        if (cy.nodes().length === 0) cy.reset();
        if (document.body.dataset.firstDrawMs) { resolve(); return; }
        // The first drawing: measured once the canvas has drawn it.
        cy.one("render", () => {
          firstDrawn();
          resolve();
        });
      };
      const layout = cy.layout(layoutOptions(kept < cy.nodes().length / 2));
      layout.one("layoutstop", stop);
      layout.run();
    });
  }

  function firstDrawn() {
    document.body.dataset.firstDrawMs = String(Math.round(performance.now()));
    document.body.dataset.firstDrawScriptMs = String(Math.round(performance.now() - started));
    // The next frame starts once the one holding the drawing is done.
    requestAnimationFrame(() => {
      document.body.dataset.firstFrameMs = String(Math.round(performance.now()));
    });
  }

  /* A view of more than LARGE nodes: placed on a spiral by degree and drawn by sigma.js
   * (WebGL); resolves once the canvas has it. */
  function drawLarge(answer) {
    if (cy) {
      cy.destroy();
      cy = null;
    }
    if (big) big.kill();
    const started = performance.now();
    const { nodes, edges } = answer.elements;
    const places = X.spiralPositions(nodes.map((n) => n.data.id), edges.map((e) => e.data), 14);
    big = PolicykgSigma.draw($("pk-cy"), answer.elements, places, {
      types: X.TYPES, label: (data) => X.labelIn(data, state.lang),
      onNode: (id) => select(id), onStage: () => select(null),
    });
    document.body.dataset.layoutMs = String(Math.round(performance.now() - started));
    return new Promise((resolve) => requestAnimationFrame(() => {
      if (!document.body.dataset.firstDrawMs) firstDrawn();
      resolve();
    }));
  }

  /* The data of a drawn node, or null. */
  function drawnData(id) {
    if (!id) return null;
    if (big) return big.nodeData(id);
    return cy && cy.getElementById(id).nonempty() ? cy.getElementById(id).data() : null;
  }

  /* How a view is laid out by Cytoscape.js: fCoSE, a spectral drawing refined by
   * force-directed steps, labels kept apart (views of more than LARGE nodes are drawn by
   * sigma.js instead: drawLarge). */
  function layoutOptions(randomize) {
    return {
      name: "fcose", quality: "default", randomize,
      animate: false, fit: true, padding: 30, nodeRepulsion: 9000, idealEdgeLength: 70,
      nodeSeparation: 90, packComponents: true, nodeDimensionsIncludeLabels: true,
    };
  }

  function relayout() {
    if (!cy) {
      setStatus("A view this large is placed by degree; narrow it (filters, neighbourhood) to lay it out by force.");
      return;
    }
    const layout = cy.layout(layoutOptions(true));
    layout.one("layoutstop", () => setStatus($("pk-status").textContent.replace(/ · laid out.*$/, "")));
    layout.run();
  }

  function afterDraw() {
    drawn++;
    const nodes = big ? big.graph.order : cy.nodes().length;
    const edges = big ? big.graph.size : cy.edges().length;
    const notes = [];
    if (state.as_of) notes.push("as of " + state.as_of);
    if (state.include_corrected) notes.push("corrected claims shown");
    if (state.focus) notes.push(`within ${state.depth} of ${nodeLabel(state.focus)}`);
    if (big) notes.push("drawn with WebGL, placed by degree (hubs in the middle); zoom in for labels");
    setStatus(`${nodes} nodes, ${edges} edges` + (notes.length ? " · " + notes.join(" · ") : ""));
    if (state.selected && cy && cy.getElementById(state.selected).nonempty()) {
      cy.getElementById(state.selected).select();
    }
    renderPanel();
    if (state.from && state.to) loadPaths();
    else clearPath();
    Object.assign(document.body.dataset, {
      nodes: String(nodes), edges: String(edges), drawn: String(drawn),
    });
    if (drawn === 1) {
      // From the start of navigation to the first drawing with its filters and search ready.
      document.body.dataset.readyMs = String(Math.round(performance.now()));
    }
    delete document.body.dataset.error;
  }

  function relabel() {
    if (big) big.graph.forEachNode((id, attrs) => big.setLabel(id, X.labelIn(attrs.data, state.lang)));
    if (cy) cy.nodes().forEach((n) => n.data("name", X.labelIn(n.data(), state.lang)));
    renderPanel();
  }

  function setStatus(text, error) {
    const status = $("pk-status");
    status.textContent = text;
    status.classList.toggle("pk-error", Boolean(error));
  }

  /* ---- hover, selection, side panel ---------------------------------------------- */

  function bindCanvas() {
    cy.on("tap", "node", (event) => select(event.target.id()));
    cy.on("tap", (event) => {
      if (event.target === cy) select(null);
    });
    cy.on("mouseover", "edge", (event) => showTip(event.target, event.renderedPosition));
    cy.on("tap", "edge", (event) => showTip(event.target, event.renderedPosition));
    cy.on("mouseout", "edge", hideTip);
    cy.on("viewport", hideTip);
  }

  function claimItem(claim) {
    return el("li", { class: "pk-claim" + (claim.corrected ? " pk-corrected" : "") },
      claim.quote
        ? el("q", { lang: claim.quote_lang || undefined }, claim.quote)
        : el("em", {}, "(no quote)"),
      el("span", { class: "pk-cite" },
        " — ", claim.source_label || X.shortName(claim.source),
        claim.paragraph !== null && claim.paragraph !== undefined ? ", ¶" + claim.paragraph : "",
        " · ", el("span", { class: "pk-stance pk-stance-" + claim.stance }, claim.stance),
        claim.corrected ? el("span", { class: "pk-badge pk-badge-corrected" }, "corrected") : null,
        claim.period && (claim.period.start || claim.period.end)
          ? ` · ${claim.period.start || "…"} – ${claim.period.end || "…"}` : ""));
  }

  function showTip(edge, at) {
    const data = edge.data();
    const tip = $("pk-tip");
    const list = claimsOf(data.id);
    if (!list) {
      readClaims({ edges: [data.id] }).then(() => {
        if (!tip.hidden && tip.dataset.edge === data.id && claimsOf(data.id)) showTip(edge, at);
      }).catch((error) => setStatus("Could not read the claims: " + error.message, true));
    }
    fill(tip,
      el("p", { class: "pk-tip-head" },
        nodeLabel(data.source), " ", el("strong", {}, data.label), " ", nodeLabel(data.target)),
      el("p", { class: "pk-tip-meta" },
        data.count + (data.count === 1 ? " claim" : " claims"),
        data.disputed ? el("span", { class: "pk-badge pk-badge-disputed" }, "sources disagree") : null,
        data.corrected ? el("span", { class: "pk-badge pk-badge-corrected" }, "corrected") : null),
      list ? el("ul", {}, list.map(claimItem)) : el("p", { class: "pk-hint" }, "Reading the claims…"));
    tip.hidden = false;
    const box = $("pk-cy").getBoundingClientRect();
    const x = Math.min(at.x + 14, box.width - tip.offsetWidth - 8);
    const y = Math.min(at.y + 14, box.height - tip.offsetHeight - 8);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
    tip.dataset.edge = data.id;
  }

  function hideTip() {
    $("pk-tip").hidden = true;
  }

  function select(id) {
    state.selected = id;
    if (cy) {
      cy.nodes().unselect();
      if (id && cy.getElementById(id).nonempty()) cy.getElementById(id).select();
    }
    if (big) markLarge();
    syncUrl();
    renderPanel();
  }

  function renderPanel() {
    const panel = $("pk-panel");
    const id = state.selected;
    const shown = drawnData(id);
    const data = shown || (id && catalogue ? catalogue.nodes.get(id) : null);
    if (!data) {
      panel.hidden = true;
      delete panel.dataset.node;
      return;
    }
    const type = X.TYPES.find((t) => t.key === data.type) || X.TYPES[X.TYPES.length - 1];
    const facts = !shown ? [] : big ? big.edgesOf(id) : cy.getElementById(id).connectedEdges().map((e) => e.data());
    const missing = facts.some((f) => !claimsOf(f.id));
    if (missing) {
      // A large view's claims are read when a node is opened.
      const view = claims;
      readClaims({ nodes: [id] }).then(() => {
        const read = facts.every((f) => claimsOf(f.id));
        if (read && state.selected === id && claims === view) renderPanel();
      }).catch((error) => setStatus("Could not read the claims: " + error.message, true));
    }
    const sources = new Map();
    for (const fact of facts) {
      for (const c of claimsOf(fact.id) || []) sources.set(c.source, c.source_label || X.shortName(c.source));
    }
    const labels = Object.entries(data.labels || {});
    fill($("pk-panel-body"),
      el("h2", {}, X.labelIn(data, state.lang)),
      el("p", { class: "pk-type" }, swatch(type.key), type.label),
      labels.length > 1
        ? el("p", { class: "pk-labels" }, labels.map(([lang, text]) => el("span", { lang }, `${text} (${lang})`)))
        : null,
      el("p", {}, el("a", { id: "pk-resource-link", href: X.resourcePath(data.id) }, "Open its page"),
        " · ", el("code", { class: "pk-iri" }, data.id)),
      el("p", { class: "pk-actions" },
        el("button", { type: "button", onclick: () => setFocus(data.id) }, "Neighbourhood"),
        el("button", { type: "button", id: "pk-path-from", onclick: () => setPathEnd("from", data.id) }, "Path from here"),
        el("button", { type: "button", id: "pk-path-to", onclick: () => setPathEnd("to", data.id) }, "Path to here")),
      el("h3", {}, `Facts (${facts.length})`),
      facts.length
        ? el("ul", { class: "pk-facts" }, facts.map((f) => el("li", {
          class: f.corrected ? "pk-corrected" : "",
        },
        f.source === data.id
          ? [el("strong", {}, f.label), " → ", nodeLabel(f.target)]
          : [nodeLabel(f.source), " → ", el("strong", {}, f.label)],
        f.disputed ? el("span", { class: "pk-badge pk-badge-disputed" }, "sources disagree") : null,
        el("ul", {}, (claimsOf(f.id) || []).map(claimItem)))))
        : el("p", { class: "pk-hint" }, "None in this view."),
      el("h3", {}, `Sources (${missing ? "…" : sources.size})`),
      el("ul", { class: "pk-sources" }, Array.from(sources, ([iri, label]) =>
        el("li", {}, el("a", { href: X.resourcePath(iri) }, label)))),
    );
    panel.hidden = false;
    panel.dataset.node = data.id;
  }

  /* ---- paths --------------------------------------------------------------------- */

  function setPathEnd(end, id) {
    state[end] = id;
    syncUrl();
    if (state.from && state.to) loadPaths();
    else showPathHint();
  }

  function showPathHint() {
    const other = state.from ? "to" : "from";
    $("pk-path-body").replaceChildren(el("p", {},
      `Path ${other === "to" ? "from" : "to"} ${nodeLabel(state.from || state.to)}: pick another node and press “Path ${other} here”.`));
    $("pk-path").hidden = false;
  }

  async function loadPaths() {
    const seq = loadSeq;
    try {
      const answer = await fetchJson("network/paths?" + X.pathsQuery(state, state.from, state.to, 3));
      if (seq !== loadSeq) return;
      paths = answer.paths || [];
      pathShown = 0;
      renderPath();
    } catch (error) {
      $("pk-path-body").replaceChildren(el("p", { class: "pk-error" }, "No path: " + error.message));
      $("pk-path").hidden = false;
    }
  }

  function stepEdgeId(step) {
    return step.direction === "backward"
      ? `${step.to}|${step.property}|${step.from}` : `${step.from}|${step.property}|${step.to}`;
  }

  /* The selection and the path shown, on a sigma.js view. */
  function markLarge() {
    const path = paths.length ? paths[pathShown] : null;
    big.mark({
      selected: state.selected,
      nodes: path ? path.steps.flatMap((step) => [step.from, step.to]) : [],
      edges: path ? path.steps.map(stepEdgeId) : [],
      ends: path ? [state.from, state.to] : [],
    });
  }

  function renderPath() {
    if (big) markLarge();
    if (cy) renderPathOnCanvas();
    const head = el("p", { class: "pk-path-head" }, "How is ", el("strong", {}, nodeLabel(state.from)),
      " connected to ", el("strong", {}, nodeLabel(state.to)), "?");
    if (!paths.length) {
      $("pk-path-body").replaceChildren(head, el("p", {}, "No path under these filters."));
      $("pk-path").hidden = false;
      $("pk-path").dataset.steps = "0";
      return;
    }
    const path = paths[pathShown];
    const choices = paths.length > 1
      ? el("p", { class: "pk-path-choices" }, paths.map((p, i) => el("button", {
        type: "button", "aria-pressed": String(i === pathShown),
        onclick: () => { pathShown = i; renderPath(); },
      }, `path ${i + 1} (${p.length} step${p.length === 1 ? "" : "s"})`)))
      : null;
    fill($("pk-path-body"), head, choices,
      el("ol", { class: "pk-steps" }, path.steps.map((step) => el("li", { dataset: { edge: stepEdgeId(step) } },
        step.direction === "backward"
          ? [nodeLabel(step.to), " ", el("strong", {}, step.label), " ", nodeLabel(step.from), " ←"]
          : [nodeLabel(step.from), " ", el("strong", {}, step.label), " ", nodeLabel(step.to)],
        el("ul", {}, (step.claims || []).map(claimItem))))));
    $("pk-path").hidden = false;
    $("pk-path").dataset.steps = String(path.steps.length);
  }

  /* The path shown, on a Cytoscape.js view: its nodes and edges marked, the rest faded. */
  function renderPathOnCanvas() {
    cy.elements().removeClass("on-path path-end faded");
    if (!paths.length) return;
    for (const step of paths[pathShown].steps) {
      cy.getElementById(step.from).addClass("on-path");
      cy.getElementById(step.to).addClass("on-path");
      cy.getElementById(stepEdgeId(step)).addClass("on-path");
    }
    cy.getElementById(state.from).addClass("path-end");
    cy.getElementById(state.to).addClass("path-end");
    cy.elements().not(".on-path, .path-end").addClass("faded");
  }

  function clearPath() {
    paths = [];
    if (cy) cy.elements().removeClass("on-path path-end faded");
    if (big) markLarge();
    if (state.from || state.to) showPathHint();
    else $("pk-path").hidden = true;
  }

  /* ---- filters ------------------------------------------------------------------- */

  function checkbox(name, value, checked, text, extra) {
    return el("label", {}, el("input", { type: "checkbox", name, value, checked: checked ? "" : undefined }), extra || null, text);
  }

  function buildFilters() {
    $("pk-types").replaceChildren(...X.TYPES.map((t) => checkbox("type", t.key,
      !state.type.length || state.type.includes(t.key), t.label,
      swatch(t.key))));
    $("pk-stances").replaceChildren(...X.STANCES.map((s) => checkbox("stance", s,
      !state.stance.length || state.stance.includes(s), s)));
    const sources = Array.from(catalogue.sources).sort((a, b) => a[1].localeCompare(b[1]));
    $("pk-sources").replaceChildren(...sources.map(([iri, label]) => checkbox("source", iri,
      !state.source.length || state.source.includes(iri), label)));
    const select = $("pk-jurisdiction");
    const places = Array.from(catalogue.jurisdictions).sort((a, b) => a[1].localeCompare(b[1]));
    select.replaceChildren(el("option", { value: "" }, "any"),
      ...places.map(([iri, label]) => el("option", { value: iri }, label)));
    showState();
    for (const [box, key] of [["pk-types", "type"], ["pk-stances", "stance"], ["pk-sources", "source"]]) {
      $(box).addEventListener("change", (event) => {
        const boxes = Array.from($(box).querySelectorAll("input"));
        const on = boxes.filter((b) => b.checked).map((b) => b.value);
        if (!on.length) { event.target.checked = true; return; } // at least one
        state[key] = on.length === boxes.length ? [] : on;
        load();
      });
    }
  }

  /* The controls show the state (after a load from the URL, or a change of it). */
  function showState() {
    $("pk-asof-on").checked = Boolean(state.as_of);
    if (state.as_of) $("pk-asof-date").value = state.as_of;
    $("pk-asof-slider").value = String(X.dayToIndex($("pk-asof-date").value || X.LAST_DAY));
    $("pk-asof-date").disabled = !state.as_of;
    $("pk-asof-slider").disabled = !state.as_of;
    $("pk-corrected").checked = state.include_corrected;
    $("pk-depth").value = String(state.depth);
    $("pk-lang").value = state.lang;
    $("pk-jurisdiction").value = state.jurisdiction || "";
    $("pk-focus-clear").disabled = !state.focus;
    $("pk-focus-label").textContent = state.focus
      ? `Within ${state.depth} step${state.depth === 1 ? "" : "s"} of ${nodeLabel(state.focus)}.`
      : "Whole graph. Pick a node, then “Neighbourhood”.";
  }

  function setFocus(id) {
    state.focus = id;
    showState();
    load();
  }

  function bindControls() {
    const slider = $("pk-asof-slider");
    slider.max = String(X.dayToIndex(X.LAST_DAY));
    const setDay = (day) => {
      if (!X.isDay(day)) return;
      state.as_of = day;
      showState();
      load();
    };
    $("pk-asof-on").addEventListener("change", (event) => {
      state.as_of = event.target.checked ? ($("pk-asof-date").value || X.LAST_DAY) : null;
      showState();
      load();
    });
    $("pk-asof-date").addEventListener("change", (event) => setDay(event.target.value));
    slider.addEventListener("input", () => {
      $("pk-asof-date").value = X.indexToDay(Number(slider.value));
    });
    slider.addEventListener("change", () => setDay(X.indexToDay(Number(slider.value))));
    $("pk-corrected").addEventListener("change", (event) => {
      state.include_corrected = event.target.checked;
      load();
    });
    $("pk-jurisdiction").addEventListener("change", (event) => {
      state.jurisdiction = event.target.value || null;
      load();
    });
    $("pk-depth").addEventListener("change", (event) => {
      state.depth = Number(event.target.value);
      showState();
      if (state.focus) load();
      else syncUrl();
    });
    $("pk-focus-clear").addEventListener("click", () => setFocus(null));
    $("pk-lang").addEventListener("change", (event) => {
      state.lang = event.target.value;
      syncUrl();
      relabel();
    });
    $("pk-panel-close").addEventListener("click", () => select(null));
    $("pk-path-close").addEventListener("click", () => {
      state.from = null;
      state.to = null;
      syncUrl();
      clearPath();
    });
    $("pk-png").addEventListener("click", exportPng);
    $("pk-relayout").addEventListener("click", relayout);
    $("pk-svg").addEventListener("click", exportSvg);
    bindSearch();
    window.addEventListener("popstate", () => {
      state = X.parseState(location.search);
      if (catalogue) buildFilters();
      load();
    });
  }

  /* The view in the address bar, and the export links for it. */
  function syncUrl() {
    const query = X.encodeState(state);
    const url = location.pathname + (query ? "?" + query : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
    $("pk-graphml").href = "network?" + X.networkQuery(state, "graphml");
    $("pk-gexf").href = "network?" + X.networkQuery(state, "gexf");
    const json = X.networkQuery(state);
    $("pk-json").href = "network" + (json ? "?" + json : "");
  }

  /* ---- search -------------------------------------------------------------------- */

  function bindSearch() {
    const input = $("pk-search-input");
    const list = $("pk-search-list");
    let active = -1;
    let hits = [];
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    };
    const choose = (hit) => {
      close();
      input.value = hit.label;
      if (big && big.has(hit.id)) {
        select(hit.id);
        big.center(hit.id);
      } else if (cy && cy.getElementById(hit.id).nonempty()) {
        select(hit.id);
        cy.animate({ center: { eles: cy.getElementById(hit.id) }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
      } else {
        state.selected = hit.id;
        setFocus(hit.id); // not in this view: draw its neighbourhood
      }
    };
    const render = () => {
      list.replaceChildren(...hits.map((hit, i) => el("li", {
        role: "option", id: "pk-hit-" + i, "aria-selected": String(i === active),
        dataset: { id: hit.id },
        onmousedown: (event) => { event.preventDefault(); choose(hit); },
      }, swatch(hit.type), hit.label,
      hit.lang ? el("span", { class: "pk-lang" }, hit.lang) : null)));
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
      if (active >= 0) input.setAttribute("aria-activedescendant", "pk-hit-" + active);
      else input.removeAttribute("aria-activedescendant");
    };
    input.addEventListener("input", () => {
      hits = X.searchLabels(index, input.value, 12);
      active = -1;
      render();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && hits.length) { active = (active + 1) % hits.length; render(); event.preventDefault(); }
      else if (event.key === "ArrowUp" && hits.length) { active = (active - 1 + hits.length) % hits.length; render(); event.preventDefault(); }
      else if (event.key === "Enter" && hits.length) { choose(hits[Math.max(active, 0)]); event.preventDefault(); }
      else if (event.key === "Escape") close();
    });
    input.addEventListener("blur", close);
  }

  /* ---- export -------------------------------------------------------------------- */

  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /* The drawn view as plain data for PolicykgSvg.serialise: from Cytoscape.js, the
   * places, sizes and computed styles; from sigma.js, its graph (y flipped back). */
  function svgView() {
    const title = "policykg explorer" + (location.search ? " · " + location.search.slice(1) : "");
    if (big) {
      const g = big.graph;
      const nodes = [];
      g.forEachNode((id, a) => {
        const display = big.renderer.getNodeDisplayData(id) || a;
        nodes.push({
          id, x: a.x, y: -a.y, w: 2 * a.size, h: 2 * a.size, shape: "ellipse",
          color: display.color || a.color,
          label: display.forceLabel ? a.label : null,
        });
      });
      const edges = [];
      g.forEachEdge((id, a, source, target, sa, ta) => {
        const display = big.renderer.getEdgeDisplayData(id) || a;
        edges.push({
          id, x1: sa.x, y1: -sa.y, x2: ta.x, y2: -ta.y,
          color: display.color || a.color, width: display.size || a.size,
        });
      });
      return { nodes, edges, background: "#ffffff", title, fontSize: 8 };
    }
    const nodes = cy.nodes().map((n) => {
      const p = n.position();
      const border = Number.parseFloat(n.style("border-width")) || 0;
      return {
        id: n.id(), x: p.x, y: p.y, w: n.width(), h: n.height(), shape: n.style("shape"),
        color: n.style("background-color"), opacity: Number(n.style("opacity")),
        border: border ? n.style("border-color") : null, borderWidth: border,
        label: n.data("name"),
      };
    });
    const edges = cy.edges().map((e) => {
      const a = e.sourceEndpoint();
      const b = e.targetEndpoint();
      const control = e.controlPoints();
      const mid = e.midpoint();
      const style = e.style("line-style");
      return {
        id: e.id(), x1: a.x, y1: a.y, x2: b.x, y2: b.y,
        control: control && control.length === 1 ? control[0] : null,
        color: e.style("line-color"), width: Number.parseFloat(e.style("width")) || 1,
        dash: style === "dashed" ? "7 4" : style === "dotted" ? "2 3" : null,
        opacity: Number(e.style("opacity")), arrow: e.style("target-arrow-shape") !== "none",
        label: e.data("label") + (e.data("count") > 1 ? " ×" + e.data("count") : ""),
        struck: Boolean(e.data("corrected")), mx: mid.x, my: mid.y,
      };
    });
    return { nodes, edges, background: "#ffffff", title };
  }

  async function exportSvg() {
    if (!cy && !big) return;
    try {
      await loadLater("svg");
      const text = PolicykgSvg.serialise(svgView());
      download(new Blob([text], { type: "image/svg+xml" }), "policykg-view.svg");
    } catch (error) {
      setStatus("SVG export failed: " + error.message, true);
    }
  }

  function exportPng() {
    if (cy) {
      download(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), "policykg-view.png");
      return;
    }
    if (big) exportLargePng().catch((error) => setStatus("PNG export failed: " + error.message, true));
  }

  async function exportLargePng() {
    await loadLater("svg");
    // sigma.js draws with WebGL, which keeps no picture to read: the PNG is the SVG export
    // drawn on a canvas.
    // (A data: URL: the page's policy allows no blob: images.)
    const text = PolicykgSvg.serialise(svgView());
    const image = new Image();
    image.addEventListener("load", () => {
      const scale = Math.min(2, 4000 / Math.max(image.width, image.height));
      const canvas = el("canvas", { width: Math.round(image.width * scale), height: Math.round(image.height * scale) });
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => download(blob, "policykg-view.png"), "image/png");
    });
    image.addEventListener("error", () => setStatus("PNG export failed: the view could not be drawn", true));
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }

  window.policykgExplorer = {
    get cy() { return cy; },
    get big() { return big; },
    large: LARGE,
    get state() { return state; },
    get view() { return view; },
    svgView,
  };

  bindControls();
  load();
})();
