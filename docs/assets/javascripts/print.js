/* Printing opens every collapsed section (chart data tables, citations), so paper keeps them. */
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details:not([open])").forEach(function (details) {
    details.setAttribute("open", "");
    details.setAttribute("data-opened-for-print", "");
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-opened-for-print]").forEach(function (details) {
    details.removeAttribute("open");
    details.removeAttribute("data-opened-for-print");
  });
});
