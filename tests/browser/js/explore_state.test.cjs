// explore-state.js under node's test runner: the view in the URL, the /network query,
// label search and resource links. Run: node --test tests/browser/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const X = require(path.join(__dirname, "..", "..", "..", "api", "ui", "explore-state.js"));

const LINKEDIN = "https://w3id.org/policykg/id/linkedin";
const SOURCE = "https://w3id.org/policykg/source/000_d336fba75509138b";

test("a view survives the URL: encode then parse gives it back", () => {
  const state = {
    ...X.defaults(), as_of: "2025-11-10", source: [SOURCE], type: ["organisation", "practice"],
    jurisdiction: "https://w3id.org/dpv/loc#EU", stance: ["asserted", "alleged"],
    include_corrected: true, focus: LINKEDIN, depth: 3, selected: LINKEDIN,
    from: "https://w3id.org/policykg/id/openai", to: "https://w3id.org/policykg/id/linkedin-members",
    lang: "de",
  };
  assert.deepEqual(X.parseState("?" + X.encodeState(state)), state);
  assert.deepEqual(X.parseState(X.encodeState(X.defaults())), X.defaults());
  assert.equal(X.encodeState(X.defaults()), "");
});

test("bad values in the URL fall back to the defaults", () => {
  const state = X.parseState("as_of=2025-02-30&type=planet&type=person&stance=maybe&depth=9&lang=fr&include_corrected=yes");
  assert.deepEqual(state, { ...X.defaults(), type: ["person"] });
});

test("the filters become /network's parameters, repeatable ones repeated", () => {
  const state = { ...X.defaults(), as_of: "2024-10-01", stance: ["asserted", "reported"], source: ["000", "004"] };
  assert.equal(X.networkQuery(state), "as_of=2024-10-01&source=000&source=004&stance=asserted&stance=reported");
  assert.equal(X.networkQuery(X.defaults()), "");
  assert.equal(X.networkQuery(X.defaults(), "graphml"), "format=graphml");
  const focused = { ...X.defaults(), focus: LINKEDIN, depth: 1, selected: LINKEDIN };
  assert.equal(X.networkQuery(focused), "focus=" + encodeURIComponent(LINKEDIN) + "&depth=1");
});

test("a path query keeps the filters but not the neighbourhood", () => {
  const state = { ...X.defaults(), as_of: "2025-11-10", focus: LINKEDIN, depth: 3 };
  const params = new URLSearchParams(X.pathsQuery(state, "a:x", "a:y", 2));
  assert.deepEqual(Array.from(params), [["as_of", "2025-11-10"], ["from", "a:x"], ["to", "a:y"], ["k", "2"]]);
});

test("IRIs of the project map onto this server, others to DESCRIBE", () => {
  assert.equal(X.resourcePath(LINKEDIN), "/id/linkedin");
  assert.equal(X.resourcePath("https://w3id.org/policykg/claim/000/eu-excluded"), "/claim/000/eu-excluded");
  assert.equal(X.resourcePath("https://w3id.org/dpv/loc#EU"),
    "/sparql?query=DESCRIBE%20%3Chttps%3A%2F%2Fw3id.org%2Fdpv%2Floc%23EU%3E");
});

test("search finds labels in any language, prefix matches first, one hit per node", () => {
  const nodes = [
    { data: { id: "m", label: "LinkedIn members", type: "person",
      labels: { en: "LinkedIn members", nl: "LinkedIn-gebruikers", de: "Linkedin-Nutzer" } } },
    { data: { id: "p", label: "LinkedIn Premium members", type: "person",
      labels: { en: "LinkedIn Premium members", de: "Premium-Nutzer" } } },
    { data: { id: "l", label: "LinkedIn", type: "organisation", labels: { en: "LinkedIn" } } },
    { data: { id: "eu", label: "European Union (EU)", type: "jurisdiction",
      labels: { en: "European Union", nl: "Europese Unie", de: "Europäische Union" } } },
  ];
  const index = X.labelIndex(nodes);
  const hits = (text) => X.searchLabels(index, text, 10).map((h) => [h.id, h.label, h.lang]);
  assert.deepEqual(hits("nutzer"), [["p", "Premium-Nutzer", "de"], ["m", "Linkedin-Nutzer", "de"]]);
  assert.deepEqual(hits("linkedin"), [["l", "LinkedIn", "en"], ["m", "Linkedin-Nutzer", "de"],
    ["p", "LinkedIn Premium members", "en"]]);
  assert.deepEqual(hits("europaische"), [["eu", "Europäische Union", "de"]]);
  assert.deepEqual(hits("unie"), [["eu", "Europese Unie", "nl"]]);
  assert.deepEqual(hits("  "), []);
  assert.equal(X.searchLabels(index, "e", 2).length, 2);
});

test("edges are drawn by what their claims say", () => {
  const claims = [{ stance: "asserted" }, { stance: "asserted" }];
  assert.equal(X.edgeClasses({ count: 2, disputed: true, corrected: false, claims }), "disputed several stance-asserted");
  assert.equal(X.edgeClasses({ count: 1, disputed: false, corrected: true, claims: [{ stance: "alleged" }] }),
    "corrected stance-alleged");
  assert.equal(X.edgeCaption({ label: "hasRecipient", count: 3, corrected: false }), "hasRecipient ×3");
  assert.equal(X.edgeCaption({ label: "ab", count: 1, corrected: true }), "a\u0336b\u0336");
});

test("the date slider covers 2024-01-01 to 2025-12-31 day by day", () => {
  assert.equal(X.dayToIndex("2024-01-01"), 0);
  assert.equal(X.indexToDay(X.dayToIndex("2024-10-01")), "2024-10-01");
  assert.equal(X.indexToDay(X.dayToIndex("2025-12-31")), "2025-12-31");
  assert.equal(X.dayToIndex("2025-12-31"), 730);
});

test("the compact view becomes the elements drawn, edge ids as the other formats write them", () => {
  const A = "https://example.org/a";
  const B = "https://example.org/b";
  const P = "https://w3id.org/dpv#hasRecipient";
  const answer = {
    nodes: [[A, "A", "organisation", { nl: "Aa" }], [B, "B", "practice", {}]],
    properties: [{ iri: P, label: "hasRecipient" }],
    edges: [[1, 0, 0, 2, true, false, ["alleged", "denied"]]],
    filters: { as_of: "2024-10-01" },
    counts: { nodes: 2, edges: 1 },
  };
  assert.deepEqual(X.expandCompact(answer), {
    elements: {
      nodes: [
        { data: { id: A, iri: A, label: "A", labels: { nl: "Aa" }, type: "organisation" } },
        { data: { id: B, iri: B, label: "B", labels: {}, type: "practice" } },
      ],
      edges: [{
        data: {
          id: `${B}|${P}|${A}`, source: B, target: A, property: P, label: "hasRecipient",
          count: 2, disputed: true, corrected: false, stances: ["alleged", "denied"],
        },
      }],
    },
    filters: { as_of: "2024-10-01" },
    counts: { nodes: 2, edges: 1 },
  });
  // A compact edge is drawn by its stances as a full one is by its claims' stances.
  const edge = X.expandCompact(answer).elements.edges[0].data;
  assert.equal(X.edgeClasses(edge), "disputed several");
  assert.equal(X.edgeClasses({ ...edge, stances: ["alleged"] }), "disputed several stance-alleged");
  assert.deepEqual(X.edgeStances({ claims: [{ stance: "denied" }, { stance: "denied" }] }), ["denied"]);
});

test("the claims of some edges and nodes are asked for under the view's filters", () => {
  const state = { ...X.defaults(), as_of: "2024-09-20", focus: LINKEDIN, depth: 1, selected: LINKEDIN };
  const edge = `${LINKEDIN}|https://w3id.org/dpv#hasRecipient|https://w3id.org/policykg/id/openai`;
  assert.equal(X.claimsQuery(state, [edge], [LINKEDIN]),
    "as_of=2024-09-20&focus=" + encodeURIComponent(LINKEDIN) + "&depth=1&edge="
    + encodeURIComponent(edge).replace(/%20/g, "+") + "&node=" + encodeURIComponent(LINKEDIN));
  assert.equal(X.claimsQuery(X.defaults()), "");
  assert.equal(X.networkQuery({ ...X.defaults(), as_of: "2024-09-20" }, "compact"), "as_of=2024-09-20&format=compact");
});
