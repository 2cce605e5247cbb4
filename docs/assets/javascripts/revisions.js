/* On a page of an older version, mark each number that a later release revised or corrected, with its
   new value and the reason, read from the index of changes at the site's root (changes.json, written by
   every release; same origin, so the CSP's connect-src 'self' allows it). Numbers that did not change stay
   unmarked. Runs on first load and after every instant navigation. Without JavaScript nothing is marked and
   Material keeps the outdated-version banner hidden: the footer's "What changed since" link leads there. */
(function () {
  "use strict";
  var index = null;

  function versionKey(version) {
    return version.split(".").map(function (part) { return parseInt(part, 10) || 0; });
  }
  function newer(a, b) {   // is version a later than version b?
    var x = versionKey(a), y = versionKey(b);
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) > (y[i] || 0);
    }
    return false;
  }

  function context() {
    var config = document.getElementById("__config");
    var version = document.querySelector("[data-site-version]");
    if (!config || !version || !/^\d+\.\d+\.\d+$/.test(version.textContent.trim())) return null;
    var base = JSON.parse(config.textContent).base;
    var versionRoot = new URL(base.replace(/\/?$/, "/"), location.href);
    return { version: version.textContent.trim(), siteRoot: new URL("../", versionRoot) };
  }

  function mark(where, changes) {
    var later = changes.changes.filter(function (c) { return newer(c.release, where.version); });
    if (!later.length) return;
    var byStatistic = {};
    later.forEach(function (c) { (byStatistic[c.statistic] = byStatistic[c.statistic] || []).push(c); });
    document.querySelectorAll("[data-stat]").forEach(function (number) {
      var history = byStatistic[number.getAttribute("data-stat")];
      if (!history || number.hasAttribute("data-revised")) return;
      number.setAttribute("data-revised", "");
      var note = document.createElement("span");
      note.className = "stat-revised";
      history.forEach(function (c, i) {
        var link = document.createElement("a");
        link.href = new URL("latest/changes/#release-" + c.release, where.siteRoot).href;
        link.textContent = (c.kind === "correction" ? "corrected" : "revised") + " in " + c.release;
        note.appendChild(document.createTextNode(i ? "; " : " ("));
        note.appendChild(link);
        note.appendChild(document.createTextNode(": " + c.old + " \u2192 " + c.new + (c.reason ? ", " + c.reason : "")));
      });
      note.appendChild(document.createTextNode(")"));
      number.insertAdjacentElement("afterend", note);
    });
  }

  function prepare() {
    var where = context();
    if (!where || !document.querySelector("[data-stat]")) return;
    index = index || fetch(new URL("changes.json", where.siteRoot), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : { changes: [] }; })
      .catch(function () { return { changes: [] }; });
    index.then(function (changes) { mark(where, changes); });
  }
  if (window.document$) { window.document$.subscribe(prepare); } else { prepare(); }
})();
