/* The explorer's drawing of large views: sigma.js (WebGL) on a graphology graph.
 *
 * Cytoscape.js draws views of up to LARGE nodes (explore.js); on thousands of nodes
 * and tens of thousands of edges its canvas takes tens of seconds to draw once, sigma.js
 * a second or two. A large view is placed at once (PolicykgExplore.spiralPositions),
 * coloured by type, edges plain lines coloured as in the small views (disputed orange,
 * corrected red, alleged or denied purple); labels appear when zoomed in, and always for
 * the selected node and a path's nodes.
 *
 * window.PolicykgSigma.draw(container, elements, places, hooks) → a view with:
 * graph (graphology), renderer (sigma), nodeData(id), edgeData(id), edgesOf(id),
 * has(id), mark({selected, nodes, edges, ends}), center(id), kill().
 */
"use strict";

(function (root) {
  /* As the small views draw them (explore.js's stylesheet). */
  const EDGE_COLORS = { corrected: "#c0392b", disputed: "#e07b00", alleged: "#7b4fa0", plain: "#b8b8b8" };
  const PATH = "#d62728";
  const FADED_NODE = "#e4e4e4";
  const FADED_EDGE = "#f0f0f0";

  /* An edge's colour from its data (/network's: corrected, disputed, its claims' stances). */
  function edgeColor(data) {
    if (data.corrected) return EDGE_COLORS.corrected;
    if (data.disputed) return EDGE_COLORS.disputed;
    const stances = data.stances || Array.from(new Set((data.claims || []).map((c) => c.stance)));
    if (stances.length === 1 && (stances[0] === "alleged" || stances[0] === "denied")) {
      return EDGE_COLORS.alleged;
    }
    return EDGE_COLORS.plain;
  }

  /* elements: /network's {nodes, edges} (each {data}); places: Map id → {x, y};
   * hooks: {types (PolicykgExplore.TYPES), label(data), onNode(id), onStage()}. */
  function draw(container, elements, places, hooks) {
    const colors = new Map(hooks.types.map((t) => [t.key, t.color]));
    const graph = new graphology.MultiDirectedGraph();
    for (const node of elements.nodes) {
      const at = places.get(node.data.id);
      graph.addNode(node.data.id, {
        x: at.x, y: -at.y, // sigma's y axis points up, Cytoscape.js's down
        size: node.data.type === "practice" ? 5 : 3,
        color: colors.get(node.data.type) || colors.get("other"),
        label: hooks.label(node.data), data: node.data,
      });
    }
    for (const edge of elements.edges) {
      graph.addDirectedEdgeWithKey(edge.data.id, edge.data.source, edge.data.target, {
        size: edge.data.count > 1 ? 1 : 0.5, color: edgeColor(edge.data), data: edge.data,
      });
    }
    const marks = { selected: null, nodes: new Set(), edges: new Set(), ends: new Set() };
    const faded = () => marks.nodes.size > 0;
    const renderer = new Sigma(graph, container, {
      // Edges as one-pixel GL lines (two vertices each, not a rectangle's six): the
      // cheapest to draw in software WebGL; a path's edges are drawn thick.
      defaultEdgeType: "thin",
      edgeProgramClasses: { thin: Sigma.rendering.EdgeLineProgram },
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      hideEdgesOnMove: true,
      labelRenderedSizeThreshold: 9, // labels once a node is drawn 9 px wide: zoomed in
      labelDensity: 0.5,
      zIndex: true,
      nodeReducer: (id, attrs) => {
        if (id === marks.selected || marks.ends.has(id)) {
          return { ...attrs, highlighted: true, forceLabel: true, zIndex: 2,
            color: marks.ends.has(id) ? PATH : attrs.color };
        }
        if (marks.nodes.has(id)) return { ...attrs, forceLabel: true, zIndex: 1, color: PATH };
        return faded() ? { ...attrs, color: FADED_NODE, label: null } : attrs;
      },
      edgeReducer: (id, attrs) => {
        if (marks.edges.has(id)) return { ...attrs, type: "line", color: PATH, size: 3, zIndex: 1 };
        return faded() ? { ...attrs, color: FADED_EDGE } : attrs;
      },
    });
    renderer.on("clickNode", (event) => hooks.onNode(event.node));
    renderer.on("clickStage", () => hooks.onStage());

    return {
      graph,
      renderer,
      has: (id) => Boolean(id) && graph.hasNode(id),
      nodeData: (id) => (graph.hasNode(id) ? graph.getNodeAttribute(id, "data") : null),
      edgeData: (id) => (graph.hasEdge(id) ? graph.getEdgeAttribute(id, "data") : null),
      edgesOf: (id) => graph.edges(id).map((e) => graph.getEdgeAttribute(e, "data")),
      setLabel: (id, label) => graph.setNodeAttribute(id, "label", label),
      /* Highlight the selected node, and a path's nodes, edges and ends (the rest faded). */
      mark(next) {
        const wanted = {
          selected: next.selected || null, nodes: new Set(next.nodes || []),
          edges: new Set(next.edges || []), ends: new Set(next.ends || []),
        };
        const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
        if (wanted.selected === marks.selected && same(wanted.nodes, marks.nodes)
            && same(wanted.edges, marks.edges) && same(wanted.ends, marks.ends)) return;
        Object.assign(marks, wanted);
        renderer.refresh();
      },
      center(id) {
        const at = renderer.getNodeDisplayData(id);
        if (at) renderer.getCamera().animate({ x: at.x, y: at.y, ratio: 0.15 }, { duration: 250 });
      },
      kill() {
        renderer.kill();
      },
    };
  }

  root.PolicykgSigma = { draw, edgeColor };
})(typeof self !== "undefined" ? self : this);
