/* "Exit this page": leave at once for a neutral site, by the button or by pressing Shift three times
   within five seconds (as in the GOV.UK Design System component). The button is outside the part of
   the page that instant navigation replaces, and the listeners sit on the document, so both keep
   working after an instant navigation. Without JavaScript the button is a plain link (and the page
   has no search to open). The head (main.html) reserves room for the keyboard hint; the hint itself
   shows only once the Shift listener below is in place, so it never promises what does not work. */
(function () {
  "use strict";
  var PRESSES_NEEDED = 3;
  var WINDOW_MS = 5000;
  var presses = 0;
  var timer = null;

  function exitPage(url) {
    document.documentElement.classList.add("exit-this-page--leaving");   // hide the page at once
    try { window.localStorage.clear(); window.sessionStorage.clear(); } catch (e) { /* storage may be blocked */ }
    window.location.replace(url);                                        // replace: Back does not return here
  }

  function button() { return document.querySelector("[data-exit-this-page] a"); }

  function announce(text) {
    var status = document.querySelector("[data-exit-this-page-status]");
    if (status) status.textContent = text;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-exit-this-page] a");
    if (!link) return;
    event.preventDefault();
    exitPage(link.href);
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    if (presses >= PRESSES_NEEDED && button()) {
      presses = 0;
      announce("Exiting this page");
      exitPage(button().href);
      return;
    }
    var left = PRESSES_NEEDED - presses;
    announce("Shift, press " + left + " more time" + (left === 1 ? "" : "s") + " to exit.");
    timer = setTimeout(function () { presses = 0; announce("Exit this page expired."); }, WINDOW_MS);
  });

  var exit = document.querySelector("[data-exit-this-page]");
  if (exit) exit.classList.add("exit-this-page--listening");

  // While search is open on a phone, Get help steps aside for the search field (site.css). Material
  // opens and closes search by clicking its toggle, so "change" always fires.
  var search = document.querySelector('[data-md-toggle="search"]');
  var bar = document.querySelector(".quick-bar");
  if (search && bar) {
    search.addEventListener("change", function () { bar.classList.toggle("quick-bar--searching", search.checked); });
  }
})();
