/* The explorer's SVG export: the drawn view as an SVG document, written from the nodes'
 * places, sizes, shapes and colours and the edges' ends, colours and labels.
 *
 * Works on plain data, so that it runs under node too (tests/browser/js/*.test.cjs);
 * explore.js reads that data from whichever library draws the view. Each drawn node is
 * one element of class pk-node and each drawn edge one of class pk-edge, both with the
 * element's id in data-id; labels are separate text elements (pk-label, pk-edge-label).
 *
 * A plain script: in the browser it sets window.PolicykgSvg, under node it is a module.
 */
"use strict";

(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.PolicykgSvg = factory();
})(typeof self !== "undefined" ? self : this, function () {
  const SVG_NS = "http://www.w3.org/2000/svg";

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    })[c]);
  }

  /* A number written short: two decimals at most. */
  function num(value) {
    return String(Math.round(value * 100) / 100);
  }

  /* The points of a polygon, from unit points (-1..1) scaled to a w × h box at (x, y). */
  function scaled(unit, x, y, w, h) {
    return unit.map(([px, py]) => num(x + px * w / 2) + "," + num(y + py * h / 2)).join(" ");
  }

  function regular(sides, rotation) {
    return Array.from({ length: sides }, (_, i) => {
      const a = rotation + (2 * Math.PI * i) / sides;
      return [Math.cos(a), Math.sin(a)];
    });
  }

  const STAR = Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (Math.PI * i) / 5;
    const r = i % 2 === 0 ? 1 : 0.4;
    return [r * Math.cos(a), r * Math.sin(a)];
  });

  /* Unit polygons for the shapes the explorer uses (Cytoscape.js's names). */
  const POLYGONS = {
    diamond: [[0, -1], [1, 0], [0, 1], [-1, 0]],
    pentagon: regular(5, -Math.PI / 2),
    "round-pentagon": regular(5, -Math.PI / 2),
    hexagon: regular(6, 0),
    octagon: regular(8, Math.PI / 8),
    star: STAR,
    rhomboid: [[-1, -1], [0.6, -1], [1, 1], [-0.6, 1]],
    "cut-rectangle": [[-0.7, -1], [0.7, -1], [1, -0.7], [1, 0.7], [0.7, 1], [-0.7, 1], [-1, 0.7], [-1, -0.7]],
    "round-tag": [[-1, -1], [0.4, -1], [1, 0], [0.4, 1], [-1, 1]],
    tag: [[-1, -1], [0.4, -1], [1, 0], [0.4, 1], [-1, 1]],
  };

  function attrs(pairs) {
    return Object.entries(pairs)
      .filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => ` ${k}="${escape(v)}"`).join("");
  }

  /* One node: a single shape element. */
  function nodeElement(node) {
    const common = {
      class: "pk-node", "data-id": node.id, fill: node.color,
      stroke: node.border || undefined, "stroke-width": node.border ? num(node.borderWidth || 1) : undefined,
      opacity: node.opacity !== undefined && node.opacity < 1 ? num(node.opacity) : undefined,
    };
    const { x, y, w, h } = node;
    const shape = node.shape || "ellipse";
    if (shape === "ellipse") {
      return `<ellipse${attrs({ ...common, cx: num(x), cy: num(y), rx: num(w / 2), ry: num(h / 2) })}/>`;
    }
    if (POLYGONS[shape]) {
      return `<polygon${attrs({ ...common, points: scaled(POLYGONS[shape], x, y, w, h) })}/>`;
    }
    const round = shape.startsWith("round") || shape === "barrel" ? Math.min(w, h) / 4 : undefined;
    return `<rect${attrs({
      ...common, x: num(x - w / 2), y: num(y - h / 2), width: num(w), height: num(h),
      rx: round === undefined ? undefined : num(round),
    })}/>`;
  }

  /* One edge: a line, or a quadratic curve through its control point. */
  function edgeElement(edge, marker) {
    const common = {
      class: "pk-edge", "data-id": edge.id, stroke: edge.color, "stroke-width": num(edge.width || 1),
      fill: "none", "stroke-dasharray": edge.dash || undefined,
      opacity: edge.opacity !== undefined && edge.opacity < 1 ? num(edge.opacity) : undefined,
      "marker-end": marker ? `url(#${marker})` : undefined,
    };
    if (edge.control) {
      const d = `M${num(edge.x1)},${num(edge.y1)} Q${num(edge.control.x)},${num(edge.control.y)} ${num(edge.x2)},${num(edge.y2)}`;
      return `<path${attrs({ ...common, d })}/>`;
    }
    return `<line${attrs({ ...common, x1: num(edge.x1), y1: num(edge.y1), x2: num(edge.x2), y2: num(edge.y2) })}/>`;
  }

  function label(text, x, y, cls, size, color, struck) {
    return `<text${attrs({
      class: cls, x: num(x), y: num(y), "font-size": num(size), fill: color || "#222",
      "text-anchor": "middle", "text-decoration": struck ? "line-through" : undefined,
    })}>${escape(text)}</text>`;
  }

  /* The SVG document of a view.
   * view: {nodes: [{id, x, y, w, h, shape, color, border?, borderWidth?, opacity?, label?}],
   *        edges: [{id, x1, y1, x2, y2, control?: {x, y}, color, width?, dash?, opacity?,
   *                 arrow?: boolean, label?, struck?, mx?, my?}],
   *        background?: colour, padding?: number, fontSize?: number, title?: string} */
  function serialise(view) {
    const pad = view.padding === undefined ? 20 : view.padding;
    const fontSize = view.fontSize || 11;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    const grow = (x, y) => {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    };
    for (const n of view.nodes) {
      grow(n.x - n.w / 2, n.y - n.h / 2);
      grow(n.x + n.w / 2, n.y + n.h / 2 + (n.label ? fontSize * 1.6 : 0));
    }
    for (const e of view.edges) {
      grow(e.x1, e.y1);
      grow(e.x2, e.y2);
      if (e.control) grow(e.control.x, e.control.y);
    }
    if (x0 > x1) [x0, y0, x1, y1] = [0, 0, 0, 0];
    const box = [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
    const markers = new Map(); // colour → marker id
    for (const e of view.edges) {
      if (e.arrow && !markers.has(e.color)) markers.set(e.color, "pk-arrow-" + markers.size);
    }
    const out = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<svg xmlns="${SVG_NS}" version="1.1" width="${num(box[2])}" height="${num(box[3])}" ` +
        `viewBox="${box.map(num).join(" ")}" font-family="Helvetica, Arial, sans-serif">`,
    ];
    if (view.title) out.push(`<title>${escape(view.title)}</title>`);
    if (markers.size) {
      out.push("<defs>");
      for (const [color, id] of markers) {
        out.push(`<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" ` +
          `markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"${attrs({ fill: color })}/></marker>`);
      }
      out.push("</defs>");
    }
    if (view.background) {
      out.push(`<rect${attrs({ class: "pk-background", x: num(box[0]), y: num(box[1]), width: num(box[2]), height: num(box[3]), fill: view.background })}/>`);
    }
    out.push('<g class="pk-edges">');
    for (const e of view.edges) out.push(edgeElement(e, e.arrow ? markers.get(e.color) : null));
    out.push("</g>", '<g class="pk-nodes">');
    for (const n of view.nodes) out.push(nodeElement(n));
    out.push("</g>", '<g class="pk-labels">');
    for (const e of view.edges) {
      if (!e.label) continue;
      const mx = e.mx !== undefined ? e.mx : (e.x1 + e.x2) / 2;
      const my = e.my !== undefined ? e.my : (e.y1 + e.y2) / 2;
      out.push(label(e.label, mx, my, "pk-edge-label", fontSize * 0.75, e.color, e.struck));
    }
    for (const n of view.nodes) {
      if (n.label) out.push(label(n.label, n.x, n.y + n.h / 2 + fontSize * 1.1, "pk-label", fontSize, "#222"));
    }
    out.push("</g>", "</svg>", "");
    return out.join("\n");
  }

  return { serialise, escape, POLYGONS };
});
