// Reload a background job's page (duplicate scan, import) until it has finished (CSP forbids inline scripts).
(function () {
  var box = document.querySelector("[data-refresh]");
  if (box) {
    setTimeout(function () { window.location.reload(); }, 1000 * (parseInt(box.dataset.refresh, 10) || 3));
  }
})();
