/* The explorer's first requests, made as soon as the page starts rather than once every
 * library has loaded: the view the URL asks for, as /network's compact JSON, and the two
 * drawing libraries, Cytoscape.js with fCoSE (views of up to 300 nodes) and sigma.js with
 * graphology (larger ones), each library's files one after the other (the server answers
 * a client at most a few requests at a time: POLICYKG_MAX_PER_CLIENT). explore.js takes
 * them from window.PolicykgExploreStart.
 */
"use strict";

(function () {
  const X = window.PolicykgExplore;
  const LIBRARIES = {
    cytoscape: ["static/vendor/explore/cytoscape.min.js", "static/vendor/explore/layout-base.js",
      "static/vendor/explore/cose-base.js", "static/vendor/explore/cytoscape-fcose.js"],
    sigma: ["static/vendor/explore/graphology.umd.min.js", "static/vendor/explore/sigma.min.js",
      "static/ui/explore-sigma.js"],
  };

  /* Load scripts one after the other; resolves when the last has run. */
  function loadScripts(sources) {
    return sources.reduce((before, src) => before.then(() => new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => reject(new Error("could not load " + src)));
      document.head.append(script);
    })), Promise.resolve());
  }

  const query = X.networkQuery(X.parseState(location.search), "compact");
  const network = fetch("network?" + query, { headers: { Accept: "application/json" } });
  network.catch(() => {}); // explore.js reports it
  const scripts = {};
  for (const [name, sources] of Object.entries(LIBRARIES)) {
    scripts[name] = loadScripts(sources);
    scripts[name].catch(() => {}); // explore.js loads it again when it needs it
  }
  window.PolicykgExploreStart = { query, network, scripts, loadScripts, LIBRARIES };
})();
