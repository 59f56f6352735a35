/* The explorer's first requests, made as soon as the page starts rather than once every
 * library has loaded: the view the URL asks for, as /network's compact JSON, and the
 * large views' drawing libraries (sigma.js and graphology: downloaded side by side, run in
 * order). explore.js takes both from window.PolicykgExploreStart.
 */
"use strict";

(function () {
  const X = window.PolicykgExplore;
  const query = X.networkQuery(X.parseState(location.search), "compact");
  const sources = ["static/vendor/explore/graphology.umd.min.js",
    "static/vendor/explore/sigma.min.js", "static/ui/explore-sigma.js"];
  const scripts = sources.map((src) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = false; // fetched at once, run in this order
    script.addEventListener("load", resolve);
    script.addEventListener("error", () => reject(new Error("could not load " + src)));
    document.head.append(script);
  }));
  window.PolicykgExploreStart = {
    query,
    network: fetch("network?" + query, { headers: { Accept: "application/json" } }),
    sigma: Promise.all(scripts),
  };
})();
