/* Observer's phone pages: relevance as they type, an outbox kept on the phone while
   there is no network, sending through the JSON sync endpoint when it returns, and
   the service worker that keeps the pages for offline use. No inline script (CSP). */
(function () {
  "use strict";
  var OUTBOX = "electoral.observation.outbox";

  // ---- the condition tree made by electoral/observation/conditions.py ----------
  function number(value) {
    if (typeof value === "boolean" || value === null || value === "" || Array.isArray(value)) return null;
    var n = Number(value);
    return isNaN(n) ? null : n;
  }
  function compare(op, answer, literal) {
    if (answer === undefined || answer === null || answer === "" || (Array.isArray(answer) && !answer.length)) return false;
    if (literal === undefined || literal === null) return false;  // a referenced question unanswered
    if (op === "regex") return new RegExp(literal).test(String(answer));
    if (Array.isArray(answer)) {
      var has = answer.map(String).indexOf(String(literal)) >= 0;
      return op === "=" ? has : op === "!=" ? !has : false;
    }
    var left = number(answer), right = number(literal);
    if (left === null || right === null) {
      left = String(answer); right = String(literal);
      if (op === "=" || op === "!=") { left = left.toLowerCase(); right = right.toLowerCase(); }
    }
    switch (op) {
      case "=": return left === right;
      case "!=": return left !== right;
      case "<": return left < right;
      case "<=": return left <= right;
      case ">": return left > right;
      case ">=": return left >= right;
    }
    return false;
  }
  function evaluate(tree, answers) {
    if (!tree) return true;
    if (tree.cmp) {
      var literal = tree.v !== null && typeof tree.v === "object" ? answers[tree.v.ref] : tree.v;
      return compare(tree.cmp, answers[tree.q], literal);
    }
    if (tree.op === "and") return tree.args.every(function (a) { return evaluate(a, answers); });
    if (tree.op === "or") return tree.args.some(function (a) { return evaluate(a, answers); });
    return !evaluate(tree.args[0], answers);
  }

  // A calculation (XLSForm calculate), conditions.py's compute(): null when it cannot be computed.
  function tested(tree, answers) {
    if (tree.test) return compare(tree.test, compute(tree.args[0], answers), compute(tree.args[1], answers));
    if (tree.op === "and") return tree.args.every(function (a) { return tested(a, answers); });
    if (tree.op === "or") return tree.args.some(function (a) { return tested(a, answers); });
    return !tested(tree.args[0], answers);
  }
  function compute(tree, answers) {
    if (!tree) return null;
    if ("n" in tree) return tree.n;
    if ("s" in tree) return tree.s;
    if ("ref" in tree) {
      var value = answers[tree.ref];
      return value === undefined || value === "" || (Array.isArray(value) && !value.length) ? null : value;
    }
    if (tree.fn === "if") return compute(tree.args[tested(tree.args[0], answers) ? 1 : 2], answers);
    if (tree.fn === "coalesce") {
      var first = compute(tree.args[0], answers);
      return first !== null && first !== "" ? first : compute(tree.args[1], answers);
    }
    var left = number(compute(tree.args[0], answers)), right = number(compute(tree.args[1], answers));
    if (left === null || right === null || ((tree.ar === "div" || tree.ar === "mod") && right === 0)) return null;
    switch (tree.ar) {
      case "+": return left + right;
      case "-": return left - right;
      case "*": return left * right;
      case "div": return left / right;
      case "mod": return left % right;
    }
    return null;
  }

  // A choice_filter: names on the left are the choice's columns ("name" its value), ${...} the answers.
  function choicePasses(tree, columns, answers) {
    if (!tree) return true;
    if (tree.cmp) {
      var literal = tree.v !== null && typeof tree.v === "object" ? answers[tree.v.ref] : tree.v;
      return compare(tree.cmp, columns[tree.q], literal);
    }
    if (tree.op === "and") return tree.args.every(function (a) { return choicePasses(a, columns, answers); });
    if (tree.op === "or") return tree.args.some(function (a) { return choicePasses(a, columns, answers); });
    return !choicePasses(tree.args[0], columns, answers);
  }

  function applyChoiceFilter(fs, answers) {
    var tree = JSON.parse(fs.dataset.choiceFilter || "null");
    if (!tree) return;
    fs.querySelectorAll("label.choice").forEach(function (label) {
      var input = label.querySelector("input");
      var columns = Object.assign(JSON.parse(label.dataset.choice || "{}"), { name: input.value });
      var pass = choicePasses(tree, columns, answers);
      label.hidden = !pass;
      input.disabled = !pass;
      if (!pass) input.checked = false;
    });
  }

  function typed(input, raw) {
    return input && input.type === "number" && raw !== "" ? Number(raw) : raw;
  }

  function answersOf(form, known) {
    var answers = {};
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      if (fs.disabled) return;
      var code = fs.dataset.code;
      if (fs.dataset.calculation) {
        // Shown, and sent for the outbox's own checks; the server computes it again from the answers.
        var value = compute(JSON.parse(fs.dataset.calculation), Object.assign({}, known || {}, answers));
        if (value !== null) answers[code] = value;
        var out = fs.querySelector("output");
        if (out) out.textContent = value === null ? "" : String(value);
        return;
      }
      var inputs = fs.querySelectorAll("input, textarea, select");
      if (inputs[0] && inputs[0].type === "checkbox") {
        answers[code] = Array.prototype.filter.call(inputs, function (i) { return i.checked; })
          .map(function (i) { return i.value; });
      } else if (inputs[0] && inputs[0].type === "radio") {
        var on = fs.querySelector("input:checked");
        if (on) answers[code] = on.value;
      } else if (inputs[0] && inputs[0].value !== "") {
        answers[code] = typed(inputs[0], inputs[0].value);
      }
    });
    return answers;
  }

  function applyRelevance(form) {
    // In order: a question's relevance reads only the answers of questions shown before it.
    var answers = {};
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      var tree = JSON.parse(fs.dataset.relevance || "null");
      var show = evaluate(tree, answers);
      fs.hidden = !show;
      fs.disabled = !show;
      if (show) applyChoiceFilter(fs, answers);
      // A label showing earlier answers (XLSForm "${code}" in a label), refreshed as they change.
      fs.querySelectorAll("[data-label]").forEach(function (span) {
        span.textContent = span.dataset.label.replace(/\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}/g, function (m, code) {
          var value = answers[code];
          return value === undefined || value === null ? "" : Array.isArray(value) ? value.join(" ") : String(value);
        });
      });
      if (show) Object.assign(answers, answersOf({ querySelectorAll: function () { return [fs]; } }, answers));
    });
  }

  // ---- outbox ---------------------------------------------------------------------
  function outbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }

  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function refreshToken(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = body.csrf_token; });
        return body.csrf_token;
      });
  }

  function post(url, item, token) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(item)
    });
  }

  var flushing = null;
  function flush(syncUrl, csrfUrl, onResult) {
    if (flushing) return flushing;
    flushing = (async function () {
      var items = outbox();
      for (var i = 0; i < items.length; i++) {
        var item = items[i], response;
        try {
          var url = item.url || syncUrl;
          response = await post(url, item, csrfToken());
          if (response.status === 400) {  // the CSRF token expired while the phone was offline
            response = await post(url, item, await refreshToken(csrfUrl));
          }
        } catch (e) { break; }  // still offline: keep the rest for later
        var body = {};
        try { body = await response.json(); } catch (e) { /* not JSON: keep the item */ }
        if (response.status === 200 || response.status === 201 || response.status === 422) {
          saveOutbox(outbox().filter(function (o) { return o.client_id !== item.client_id; }));
          if (onResult) onResult(item, response.status, body);
        } else {
          break;
        }
      }
    })().finally(function () { flushing = null; });
    return flushing;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function show(el, text, kind) {
    if (!el) return;
    el.textContent = text;
    el.className = "flash " + (kind || "");
    el.hidden = !text;
  }

  // A geopoint question: the phone's position with its accuracy, as ODK writes it ("lat lon alt accuracy").
  function locate(button) {
    var input = button.parentNode.querySelector("input[name='" + button.dataset.locate + "']");
    var status = button.parentNode.querySelector("[data-locate-status='" + button.dataset.locate + "']");
    if (!navigator.geolocation) { status.textContent = button.dataset.msgUnavailable; return; }
    status.textContent = button.dataset.msgLocating;
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      input.value = [c.latitude, c.longitude, c.altitude || 0, Math.round(c.accuracy * 10) / 10].join(" ");
      status.textContent = button.dataset.msgAccuracy.replace("{m}", String(Math.round(c.accuracy)));
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, function () {
      status.textContent = button.dataset.msgUnavailable;
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 0 });
  }

  // ---- the checklist form ---------------------------------------------------------
  var form = document.getElementById("checklist");
  if (form) {
    form.querySelectorAll("button[data-locate]").forEach(function (button) {
      button.addEventListener("click", function () { locate(button); });
    });
    // An image question: the photo compressed here (sheet-photo.js's electoralPhoto, the tally sheet's own),
    // held as a data: URL in the question's hidden answer, so it waits in the outbox with the checklist.
    form.querySelectorAll("input[data-photo-for]").forEach(function (input) {
      var fs = input.closest("fieldset"), answer = fs.querySelector("input[data-photo-answer]");
      var preview = fs.querySelector("img[data-photo-preview]"), error = fs.querySelector("[data-error-for]");
      input.addEventListener("change", function () {
        var file = input.files[0];
        if (!file || !window.electoralPhoto) return;
        window.electoralPhoto.compress(file, Number(input.dataset.maxBytes), Number(input.dataset.maxSide))
          .then(function (dataUrl) {
            answer.value = dataUrl;
            preview.src = dataUrl;
            preview.hidden = false;
            error.textContent = "";
            applyRelevance(form);
          }, function () {
            answer.value = "";
            preview.hidden = true;
            error.textContent = input.dataset.msgUnreadable;
          });
    var status = document.getElementById("form-status");
    applyRelevance(form);
    form.addEventListener("input", function () { applyRelevance(form); });
    form.addEventListener("change", function () { applyRelevance(form); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
      // The form's constraints (". <= ${ballots}", regex()) checked here too, from the same tree, so an
      // answer the server would refuse is corrected before it waits in the outbox.
      var answers = answersOf(form), broken = false;
      form.querySelectorAll("fieldset.question[data-constraint]").forEach(function (fs) {
        var tree = JSON.parse(fs.dataset.constraint || "null"), own = answers[fs.dataset.code];
        if (fs.disabled || !tree || own === undefined) return;
        if (!evaluate(tree, Object.assign({}, answers, { ".": own }))) {
          fs.querySelector("[data-error-for]").textContent = fs.dataset.constraintMessage;
          broken = true;
        }
      });
      if (broken) { show(status, form.dataset.msgInvalid, "error"); return; }
      var item = {
        client_id: form.querySelector("input[name=client_id]").value || uuid(),
        template: form.dataset.template, version: Number(form.dataset.version),
        station_code: form.dataset.station, answers: answersOf(form),
        submitted_at: new Date().toISOString()
      };
      saveOutbox(outbox().filter(function (o) { return o.client_id !== item.client_id; }).concat([item]));
      // A new id for the next filing from this page (a correction), never the same twice.
      form.querySelector("input[name=client_id]").value = uuid();
      show(status, form.dataset.msgQueued, "info");
      flush(form.dataset.syncUrl, form.dataset.csrfUrl, function (sent, code, body) {
        if (sent.client_id !== item.client_id) return;
        if (code === 422) {
          show(status, form.dataset.msgInvalid, "error");
          Object.keys(body.errors || {}).forEach(function (key) {
            var target = form.querySelector('[data-error-for="' + key.replace("answers.", "") + '"]');
            if (target) target.textContent = body.errors[key].join(" ");
          });
        } else {
          show(status, form.dataset.msgSent, "success");
        }
      });
    });
    window.addEventListener("online", function () {
      flush(form.dataset.syncUrl, form.dataset.csrfUrl, function (sent, code) {
        if (code !== 422) show(status, form.dataset.msgSent, "success");
      });
    });
  }

  // ---- the incident report: sent as usual online; kept on the phone when offline ----
  var incident = document.getElementById("incident");
  if (incident) {
    var incidentStatus = document.getElementById("form-status");
    incident.addEventListener("submit", function (event) {
      if (navigator.onLine) return;  // online: the ordinary form, with its photo
      event.preventDefault();
      var field = function (name) { var el = incident.querySelector("[name=" + name + "]"); return el ? el.value : ""; };
      var item = { url: incident.dataset.jsonUrl, client_id: field("client_id") || uuid(),
        station_code: field("station"), category: field("category"), severity: field("severity"),
        description: field("description"), occurred_at: new Date().toISOString() };
      saveOutbox(outbox().concat([item]));
      incident.querySelector("[name=client_id]").value = uuid();
      show(incidentStatus, incident.dataset.msgQueued, "info");
    });
    window.addEventListener("online", function () {
      flush(incident.dataset.jsonUrl, incident.dataset.csrfUrl, function (sent, code) {
        if (code !== 422) show(incidentStatus, incident.dataset.msgSent, "success");
      });
    });
  }

  // ---- the observer's home: service worker, warm the cache, send what waits --------
  var app = document.getElementById("observer-app");
  if (app) {
    var box = document.getElementById("outbox");
    var report = function () {
      var n = outbox().length;
      show(box, n ? app.dataset.msgOutbox.replace("{n}", n) : "", "info");
    };
    report();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(app.dataset.sw).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function () {
        document.querySelectorAll("a[data-precache]").forEach(function (a) {
          fetch(a.href, { credentials: "same-origin" }).catch(function () {});
        });
      }).catch(function () {});
    }
    // A filing sent from here turns its checklist's "Due" into "Sent" at once: the page
    // was drawn (or kept offline) before the outbox reached the server.
    var markSent = function (item, code) {
      if (code === 422 || !item.template) return;
      var row = app.querySelector('li[data-station="' + item.station_code + '"][data-template="' + item.template + '"]');
      if (!row) return;
      var badge = row.querySelector(".badge");
      if (badge) { badge.className = "badge ok"; badge.textContent = app.dataset.msgSent; }
      var link = row.querySelector("a.button");
      if (link) link.classList.remove("primary");
    };
    var send = function () {
      flush(app.dataset.syncUrl, app.dataset.csrfUrl, function (item, code) { markSent(item, code); report(); }).then(report);
    };
    window.addEventListener("online", send);
    if (navigator.onLine) send();
  }
  if (form && navigator.onLine && outbox().length) flush(form.dataset.syncUrl, form.dataset.csrfUrl);
})();
