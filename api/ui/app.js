/* The policykg query page: YASGUI pointed at this server's /sparql, with the
 * named queries from /queries listed as examples that open as tabs. */
"use strict";

(function () {
  const endpoint = new URL("sparql", document.baseURI).href;
  const status = document.getElementById("pk-status");
  const list = document.getElementById("pk-query-list");

  // Prefixes for the result table, from the project's JSON-LD context: IRIs show as
  // id:…, claim:…, "…"^^xsd:date. Empty until /context.jsonld answers (full IRIs then);
  // prefixes a query declares itself take precedence (YASGUI merges them in per tab).
  let contextPrefixes = {};

  /* The graph's own classes and properties, asked of this server once (never of LOV,
   * YASQE's remote source), for completing after "a" and in predicate position. */
  const termQueries = {
    "pk-class": "SELECT DISTINCT ?term WHERE { ?s a ?term } ORDER BY ?term LIMIT 5000",
    "pk-property": "SELECT DISTINCT ?term WHERE { ?s ?term ?o } ORDER BY ?term LIMIT 5000",
  };
  const termLists = {};
  function localTerms(name) {
    if (!termLists[name]) {
      termLists[name] = fetch(endpoint, {
        method: "POST",
        headers: { Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: termQueries[name] }),
      }).then((response) => {
        if (!response.ok) throw new Error("/sparql answered " + response.status);
        return response.json();
      }).then((body) => body.results.bindings.map((b) => b.term.value))
        .catch((error) => {
          console.warn("No completions for " + name + ": " + error.message);
          return [];
        });
    }
    return termLists[name];
  }
  const Yasqe = Yasgui.Yasqe;
  for (const [name, base] of [["pk-class", "class"], ["pk-property", "property"]]) {
    const original = Yasqe.Autocompleters[base];
    Yasqe.forkAutocompleter(base, {
      name: name,
      bulk: true,
      persistenceId: null,
      get: () => localTerms(name),
      // Prefixes the server predeclares count like those the query declares.
      preProcessToken: (yasqe, token) => {
        const done = original.preProcessToken(yasqe, token);
        const prefix = (done.tokenPrefix || "").slice(0, -1);
        if (done.tokenPrefix && !done.tokenPrefixUri && contextPrefixes[prefix]) {
          done.tokenPrefixUri = contextPrefixes[prefix];
          done.autocompletionString = contextPrefixes[prefix]
            + token.string.trim().slice(done.tokenPrefix.length);
        }
        return done;
      },
    }, false);
  }

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    yasr: { prefixes: () => contextPrefixes },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    persistenceId: "policykg-yasgui",
    // YASQE's own class and property completion asks a remote service (LOV): replaced
    // by this graph's terms; its prefix list is built in (nothing fetched).
    yasqe: { autocompleters: ["prefixes", "variables", "pk-class", "pk-property"] },
  });

  // Tabs restored from an earlier visit keep talking to this server.
  for (const id of Object.keys(yasgui._tabs)) {
    const tab = yasgui.getTab(id);
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }

  function say(text, error) {
    status.textContent = text;
    status.classList.toggle("pk-error", Boolean(error));
  }

  function openQuery(query) {
    const name = query.title || query.name;
    for (const id of Object.keys(yasgui._tabs)) {
      const tab = yasgui.getTab(id);
      if (tab && tab.getName() === name) {
        yasgui.selectTabId(id);
        return tab;
      }
    }
    const sparql = window.PolicykgParams.withParameters(query.sparql, query.params, query.name);
    return yasgui.addTab(true, {
      name: name,
      yasqe: { value: sparql },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  }

  function item(query) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pk-query";
    button.dataset.query = query.name;
    const parts = [
      ["pk-query-title", query.title || query.name],
      ["pk-query-question", query.question || ""],
    ];
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      button.appendChild(span);
    }
    button.addEventListener("click", () => openQuery(query));
    const meta = document.createElement("span");
    meta.className = "pk-query-name";
    const link = document.createElement("a");
    link.href = "queries/" + encodeURIComponent(query.name);
    link.textContent = "/queries/" + query.name;
    link.title = "Run on the server with its bound parameters";
    meta.appendChild(link);
    li.append(button, meta);
    return li;
  }

  async function loadQueries() {
    const response = await fetch("queries", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("GET /queries answered " + response.status);
    const body = await response.json();
    const queries = Array.isArray(body) ? body : body.queries || [];
    list.replaceChildren(...queries.map(item));
    say(queries.length ? "" : "No named queries on this server.");
    openFirst(queries);
    document.body.dataset.queries = String(queries.length);
  }

  /* A first visit opens on a named query about this graph (status-as-of, else the first
   * with parameters, else the first), not on YASGUI's generic query. */
  function openFirst(queries) {
    const ids = Object.keys(yasgui._tabs);
    const tab = yasgui.getTab();
    if (!queries.length || ids.length !== 1 || !tab) return;
    if (tab.getQuery().trim() !== String(Yasqe.defaults.value).trim()) return;
    const query = queries.find((q) => q.name === "status-as-of")
      || queries.find((q) => Array.isArray(q.params) && q.params.length) || queries[0];
    tab.setName(query.title || query.name);
    tab.setQuery(window.PolicykgParams.withParameters(query.sparql, query.params, query.name));
    document.body.dataset.opened = query.name;
  }

  /* The prefixes of a JSON-LD context: terms mapped to an http(s) IRI ending in / or #,
   * named as a SPARQL prefix may be; the longest namespace first, so it wins a tie. */
  function prefixesOf(body) {
    const context = body && body["@context"];
    if (!context || typeof context !== "object" || Array.isArray(context)) return {};
    const pairs = Object.entries(context).filter(([name, iri]) =>
      /^[A-Za-z](?:[\w.-]*[\w-])?$/.test(name)
      && typeof iri === "string" && /^https?:\/\/[^\s<>"{}|\\^`]*[/#]$/.test(iri));
    pairs.sort((a, b) => b[1].length - a[1].length);
    return Object.fromEntries(pairs);
  }

  async function loadPrefixes() {
    const response = await fetch("context.jsonld", { headers: { Accept: "application/ld+json" } });
    if (!response.ok) throw new Error("GET /context.jsonld answered " + response.status);
    contextPrefixes = prefixesOf(await response.json());
    // Results drawn before the context came (restored from an earlier visit): redraw.
    for (const id of Object.keys(yasgui._tabs)) {
      const tab = yasgui.getTab(id);
      const yasr = tab && tab.getYasr();
      if (yasr && yasr.results) yasr.draw();
    }
    document.body.dataset.prefixes = String(Object.keys(contextPrefixes).length);
  }

  /* Result IRIs open their page on this server: the graph's own IRIs (under the base,
   * read from the context's id: prefix), the ontology's and shapes' terms, and DPV terms
   * (which the graph declares); every other IRI keeps its own link. */
  const MINTED = ["id/", "claim/", "source/", "graph/"];
  const DOCUMENTS = ["https://w3id.org/policykg/ontology", "https://w3id.org/policykg/shapes"];
  function localHref(iri) {
    for (const doc of DOCUMENTS) {
      if (iri.startsWith(doc + "#")) return "/" + doc.split("/").pop() + iri.slice(doc.length);
    }
    const id = contextPrefixes.id;
    const base = typeof id === "string" && id.endsWith("id/") ? id.slice(0, -3) : null;
    if (base && iri.startsWith(base)) {
      const rest = iri.slice(base.length);
      if (MINTED.some((prefix) => rest.startsWith(prefix))) return "/" + rest;
    }
    if (iri.startsWith("https://w3id.org/dpv#") || iri.startsWith("https://w3id.org/dpv/")) {
      return "/resource?iri=" + encodeURIComponent(iri);
    }
    return null;
  }

  function localiseLinks(root) {
    for (const link of root.querySelectorAll(".yasr a[href^='http']")) {
      if (link.dataset.pkLocal) continue;
      const local = localHref(link.getAttribute("href"));
      if (local === null) continue;
      link.dataset.pkLocal = link.getAttribute("href");
      link.setAttribute("href", local);
      link.removeAttribute("target");
      link.title = link.dataset.pkLocal;
    }
  }
  new MutationObserver(() => localiseLinks(document.getElementById("yasgui"))).observe(
    document.getElementById("yasgui"), { childList: true, subtree: true });

  // Without the context the page works as before, with IRIs in full.
  loadPrefixes().catch((error) => {
    console.warn("No prefixes for the results: " + error.message);
    document.body.dataset.prefixes = "error";
  });
  loadQueries().catch((error) => {
    say("Could not load the named queries: " + error.message, true);
    document.body.dataset.queries = "error";
  });
  window.policykgYasgui = yasgui;
})();
