/* The site's 404 page: if the address asked for is a page of the brief under another version (or none),
   and that page exists in the latest version, offer it. The link to the brief's summary is always there. */
(function () {
  "use strict";
  var offer = document.querySelector("[data-not-found]");
  var config = document.getElementById("__config");
  if (!offer || !config) return;
  var versionRoot = new URL(JSON.parse(config.textContent).base.replace(/\/?$/, "/"), location.href);
  var siteRoot = new URL("../", versionRoot);
  if (location.pathname.indexOf(siteRoot.pathname) !== 0) return;
  var rest = location.pathname.slice(siteRoot.pathname.length).split("/");
  if (/^(\d+\.\d+\.\d+|latest)$/.test(rest[0])) rest.shift();
  var candidate = new URL("latest/" + rest.join("/"), siteRoot);
  if (candidate.pathname === location.pathname) return;
  fetch(candidate, { method: "HEAD", credentials: "omit" }).then(function (response) {
    if (!response.ok) return;
    var link = document.createElement("a");
    link.href = candidate.href;
    link.textContent = candidate.pathname;
    offer.querySelector("span").replaceWith(link);
    offer.hidden = false;
  }).catch(function () { /* nothing to offer */ });
})();
