/* Turn a named query's declared parameters into an editable VALUES block.
 *
 * The server binds parameters of /queries/{name} as RDF terms; in the editor the
 * query runs as plain SPARQL, so the defaults are shown as a VALUES block at the
 * top of the outermost WHERE group, where a reader can see and change them.
 */
"use strict";

(function (global) {
  const XSD = "http://www.w3.org/2001/XMLSchema#";

  /* A parameter's value as a SPARQL term, or UNDEF when there is none. */
  function term(param, raw) {
    if (raw === undefined || raw === null || raw === "") return "UNDEF";
    const text = String(raw);
    if (param.type === "iri") return "<" + text.replace(/[<>"{}|\\^`\s]/g, encodeURIComponent) + ">";
    const quoted = '"' + text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')
      .replace(/\n/g, "\\n").replace(/\r/g, "\\r") + '"';
    if (param.type === "xsd:string" || !param.type) return quoted;
    return quoted + "^^<" + XSD + param.type.replace(/^xsd:/, "") + ">";
  }

  /* Index of the "{" opening the outermost WHERE group, or -1.
   * Skips comments, strings and IRIs; a CONSTRUCT template is not the WHERE group. */
  function whereBrace(sparql) {
    const construct = /^\s*(?:(?:#[^\n]*|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*CONSTRUCT\b/i
      .test(sparql);
    let depth = 0;
    let sawWhere = !construct;
    for (let i = 0; i < sparql.length; i++) {
      const c = sparql[i];
      if (c === "#") {
        const end = sparql.indexOf("\n", i);
        i = end < 0 ? sparql.length : end;
      } else if (c === '"' || c === "'") {
        const long = sparql.startsWith(c.repeat(3), i);
        const close = long ? c.repeat(3) : c;
        let j = i + close.length;
        while (j < sparql.length && !sparql.startsWith(close, j)) j += sparql[j] === "\\" ? 2 : 1;
        i = j + close.length - 1;
      } else if (c === "<") {
        const iri = /^<[^<>"{}|^`\\\s]*>/.exec(sparql.slice(i));
        if (iri) i += iri[0].length - 1;
      } else if (c === "{") {
        if (depth === 0 && sawWhere) return i;
        depth++;
      } else if (c === "}") {
        depth--;
      } else if (depth === 0 && /[Ww]/.test(c) && /^WHERE\b/i.test(sparql.slice(i, i + 6))
                 && !/[\w?$:]/.test(sparql[i - 1] || "")) {
        sawWhere = true;
      }
    }
    return -1;
  }

  /* The query text with its parameters' defaults bound by a VALUES block. */
  function withParameters(sparql, params, name) {
    const list = Array.isArray(params) ? params.filter((p) => p && p.name) : [];
    if (list.length === 0) return sparql;
    const at = whereBrace(sparql);
    if (at < 0) return sparql;
    const vars = list.map((p) => "?" + p.name).join(" ");
    const values = list.map((p) => term(p, p["default"])).join(" ");
    const docs = list.map((p) => "  # ?" + p.name + " (" + (p.type || "xsd:string") + ")"
      + (p.doc || p.description ? ": " + (p.doc || p.description) : "") + "\n").join("");
    const block = "\n  # Parameters of the named query " + JSON.stringify(name || "")
      + "; edit the values to change them:\n" + docs
      + "  VALUES (" + vars + ") { (" + values + ") }\n";
    return sparql.slice(0, at + 1) + block + sparql.slice(at + 1);
  }

  global.PolicykgParams = { term, whereBrace, withParameters };
})(window);
