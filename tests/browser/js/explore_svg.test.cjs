// explore-svg.js (the explorer's SVG export) and the explorer's placing of large views
// (explore-state.js's spiralPositions) under node's test runner.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const UI = path.join(__dirname, "..", "..", "..", "api", "ui");
const S = require(path.join(UI, "explore-svg.js"));
const X = require(path.join(UI, "explore-state.js"));

const VIEW = {
  nodes: [
    { id: "a&b", x: 0, y: 0, w: 20, h: 20, shape: "ellipse", color: "#4e79a7", label: "A <and> B" },
    { id: "c", x: 100, y: 50, w: 30, h: 20, shape: "hexagon", color: "#f28e2b", label: "C" },
    { id: "d", x: -50, y: 80, w: 20, h: 20, shape: "round-rectangle", color: "rgb(1, 2, 3)", opacity: 0.2 },
  ],
  edges: [
    { id: "a&b|p|c", x1: 0, y1: 0, x2: 100, y2: 50, color: "#999", arrow: true, label: "p ×2" },
    { id: "c|q|d", x1: 100, y1: 50, x2: -50, y2: 80, control: { x: 20, y: 120 }, color: "#c0392b",
      dash: "2 3", arrow: true, label: "q", struck: true },
  ],
  background: "#ffffff",
  title: "a view",
};

const count = (text, pattern) => (text.match(pattern) || []).length;

test("one element per node and per edge, each with its id, escaped", () => {
  const text = S.serialise(VIEW);
  assert.equal(count(text, /class="pk-node"/g), 3);
  assert.equal(count(text, /class="pk-edge"/g), 2);
  assert.match(text, /<ellipse class="pk-node" data-id="a&amp;b" fill="#4e79a7" cx="0" cy="0" rx="10" ry="10"\/>/);
  assert.match(text, /<polygon class="pk-node" data-id="c" fill="#f28e2b" points="115,50 /);
  assert.match(text, /<rect class="pk-node" data-id="d" fill="rgb\(1, 2, 3\)" opacity="0.2" x="-60" y="70" width="20" height="20" rx="5"\/>/);
  assert.match(text, /<line class="pk-edge" data-id="a&amp;b\|p\|c" stroke="#999" stroke-width="1" fill="none" marker-end="url\(#pk-arrow-0\)" x1="0" y1="0" x2="100" y2="50"\/>/);
  assert.match(text, /<path class="pk-edge" data-id="c\|q\|d" [^>]*stroke-dasharray="2 3" [^>]*d="M100,50 Q20,120 -50,80"\/>/);
  assert.match(text, />A &lt;and&gt; B<\/text>/);
  assert.match(text, /text-decoration="line-through">q<\/text>/);
  assert.match(text, /<title>a view<\/title>/);
});

test("the picture's box holds every node, edge and label, with the padding", () => {
  const text = S.serialise(VIEW);
  // x from -60 (node d) to 115 (node c); y from -10 (node a&b) to 120 (the curve's control
  // point), beyond node a&b's label (10 + 11 × 1.6); padding 20.
  assert.match(text, /width="215" height="170" viewBox="-80 -30 215 170"/);
  assert.equal(count(text, /<marker /g), 2); // one per edge colour with arrows
});

test("an empty view is a valid empty picture", () => {
  const text = S.serialise({ nodes: [], edges: [] });
  assert.match(text, /viewBox="-20 -20 40 40"/);
  assert.equal(count(text, /class="pk-(node|edge)"/g), 0);
});

test("large views: hubs in the middle, every node placed, the same places each time", () => {
  const nodes = ["leaf1", "hub", "leaf2", "leaf3", "mid"];
  const edges = [
    { source: "hub", target: "leaf1" }, { source: "hub", target: "leaf2" },
    { source: "hub", target: "leaf3" }, { source: "mid", target: "hub" },
    { source: "mid", target: "leaf1" }, { source: "gone", target: "leaf3" },
  ];
  const places = X.spiralPositions(nodes, edges, 10);
  assert.deepEqual([...places.keys()], ["hub", "leaf1", "leaf3", "mid", "leaf2"]);
  const radius = (id) => Math.hypot(places.get(id).x, places.get(id).y);
  for (const [i, id] of [...places.keys()].entries()) {
    assert.ok(Math.abs(radius(id) - 10 * Math.sqrt(i + 0.5)) < 1e-9, id);
  }
  assert.deepEqual(X.spiralPositions(nodes, edges, 10), places);
  assert.equal(X.spiralPositions([], [], 10).size, 0);
});
