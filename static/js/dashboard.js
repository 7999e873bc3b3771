/* The coordinator's dashboard refreshes itself: it polls a small JSON endpoint and,
   when new reports or alerts have arrived, reloads the live sections in place. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) return;
  var last = { submission: root.dataset.lastSubmission, alert: root.dataset.lastAlert };
  var PERIOD = 15000;

  function refreshSections() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        root.querySelectorAll("[data-live][id]").forEach(function (section) {
          var replacement = fresh.getElementById(section.id);
          if (replacement) section.replaceWith(replacement);
        });
      });
  }

  function poll() {
    fetch(root.dataset.liveUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (figures) {
        Object.keys(figures).forEach(function (key) {
          var el = root.querySelector('[data-figure="' + key + '"]');
          if (el) el.textContent = Number(figures[key]).toLocaleString(document.documentElement.lang);
        });
        if (String(figures.last_submission) !== last.submission || String(figures.last_alert) !== last.alert) {
          last = { submission: String(figures.last_submission), alert: String(figures.last_alert) };
          return refreshSections();
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .finally(function () { window.setTimeout(poll, PERIOD); });
  }
  window.setTimeout(poll, PERIOD);
})();
