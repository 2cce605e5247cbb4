/* Citations: fill in today's date as the "Accessed" date and make the copy buttons work.
   Runs on first load and after every instant navigation (document$). Without JavaScript the
   reference is still there to select and copy by hand. */
(function () {
  "use strict";
  // Written out by hand: toLocaleDateString loads the browser's locale data, a long task on a phone.
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var now = new Date();
  var today = now.getDate() + " " + MONTHS[now.getMonth()] + " " + now.getFullYear();

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.cite-copy");
    if (!button) return;
    var reference = document.getElementById(button.getAttribute("data-copy"));
    if (!reference || !navigator.clipboard) return;
    navigator.clipboard.writeText(reference.textContent.trim()).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy reference"; }, 2000);
    });
  });

  function prepare() {
    document.querySelectorAll("[data-accessed-date]").forEach(function (el) { el.textContent = today; });
    document.querySelectorAll("button.cite-copy[hidden]").forEach(function (el) { el.hidden = false; });
  }
  if (window.document$) { window.document$.subscribe(prepare); } else { prepare(); }
})();
