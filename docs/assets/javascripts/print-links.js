/* Print shows the address of links that leave the site, never of the site's own links. Material's
   instant navigation makes every href absolute, so mark the site's own links (print.css skips them);
   without JavaScript hrefs stay relative and need no mark. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".md-content a[href]").forEach(function (link) {
      if (link.origin === window.location.origin) link.dataset.internal = "";
    });
  }
  if (window.document$) { window.document$.subscribe(mark); } else { mark(); }
})();
