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
  // conditions.py's measure(): the answer, or its string-length() / count-selected() (0 when unanswered).
  function measure(fn, answer) {
    if (!fn) return answer;
    if (answer === undefined || answer === null || answer === "" || (Array.isArray(answer) && !answer.length)) return 0;
    if (fn === "count-selected") return Array.isArray(answer) ? answer.length : String(answer).split(/\s+/).filter(Boolean).length;
    return (Array.isArray(answer) ? answer.map(String).join(" ") : String(answer)).length;
  }
  function evaluate(tree, answers) {
    if (!tree) return true;
    if (tree.cmp) {
      var literal = tree.v !== null && typeof tree.v === "object" ? answers[tree.v.ref] : tree.v;
      return compare(tree.cmp, measure(tree.fn, answers[tree.q]), literal);
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
    if (tree.fn === "position") return answers["#position"] === undefined ? null : answers["#position"];
    if (tree.fn === "count") return Array.isArray(answers[tree.ref]) ? answers[tree.ref].length : 0;
    if (tree.fn === "sum" || tree.fn === "max" || tree.fn === "min") {
      // A repeat's question over its entries (the lists of entries among the answers).
      var numbers = [];
      Object.keys(answers).forEach(function (key) {
        if (!Array.isArray(answers[key])) return;
        answers[key].forEach(function (entry) {
          if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
          var raw = entry[tree.ref];
          if (raw === undefined || raw === null || raw === "") return;
          var n = number(raw);
          if (n !== null) numbers.push(n);
        });
      });
      if (tree.fn === "sum") return numbers.reduce(function (a, b) { return a + b; }, 0);
      if (!numbers.length) return null;
      return tree.fn === "max" ? Math.max.apply(null, numbers) : Math.min.apply(null, numbers);
    }
    if (tree.fn === "concat" || tree.fn === "string-length" || tree.fn === "count-selected") {
      var values = tree.args.map(function (a) { return compute(a, answers); });
      if (tree.fn === "count-selected") {
        var chosen = values[0];
        return Array.isArray(chosen) ? chosen.length : chosen ? String(chosen).split(/\s+/).filter(Boolean).length : 0;
      }
      var text = values.map(function (v) {
        return v === null || v === undefined ? "" : Array.isArray(v) ? v.join(" ") : String(v);
      }).join("");
      return tree.fn === "string-length" ? text.length : text;
    }
    if (tree.fn === "round" || tree.fn === "int") {
      var x = number(compute(tree.args[0], answers));
      var digits = tree.args.length > 1 ? number(compute(tree.args[1], answers)) : 0;
      if (x === null || digits === null) return null;
      if (tree.fn === "int") return Math.trunc(x);
      var scale = Math.pow(10, Math.trunc(digits));  // XPath's round: halves go up
      return Math.floor(x * scale + 0.5) / scale;
    }
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
      return compare(tree.cmp, measure(tree.fn, columns[tree.q]), literal);
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

  // A repeat's entries (XLSForm begin repeat), checked as the server's validate_answers checks them: each entry
  // with its own answers, the top-level ones and its number (position(..)); errors keyed "code[i].question".
  function blank(value) {
    return value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
  }
  function checkEntries(questions, repeat, entries, top) {
    var kept = [], errors = {}, base = Object.assign({}, top);
    base[repeat.code] = entries;
    if (repeat.count) {
      var expected = number(compute(repeat.count, top));
      expected = expected === null ? 0 : Math.trunc(expected);
      if (entries.length !== expected) errors[repeat.code] = "count";
    }
    entries.forEach(function (entry, index) {
      var own = {};
      questions.forEach(function (q) {
        var context = Object.assign({}, base, own, { "#position": index + 1 });
        var key = repeat.code + "[" + index + "]." + q.code;
        if (q.type === "note" || !evaluate(q.relevance, context)) return;
        if (q.type === "calculate") {
          var computed = compute(q.calculation, context);
          if (computed !== null) own[q.code] = computed;
          return;
        }
        var value = entry[q.code];
        if (blank(value)) { if (q.required) errors[key] = "required"; return; }
        if (q.constraint && !evaluate(q.constraint, Object.assign({}, context, { ".": value }))) {
          errors[key] = "constraint"; return;
        }
        own[q.code] = value;
      });
      // An entry none of whose questions is asked (the repeat's own relevance false) is not kept.
      var context = Object.assign({}, base, own, { "#position": index + 1 });
      if (Object.keys(own).length || questions.some(function (q) { return evaluate(q.relevance, context); })) {
        kept.push(own);
      }
    });
    return { entries: kept, errors: errors };
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

  // A question shown or hidden by its relevance read with ``context``; its answer added to ``into``.
  function showQuestion(fs, context, into) {
    var show = evaluate(JSON.parse(fs.dataset.relevance || "null"), context);
    fs.hidden = !show;
    fs.disabled = !show;
    if (show) applyChoiceFilter(fs, context);
    // A label showing earlier answers (XLSForm "${code}" in a label), refreshed as they change.
    fs.querySelectorAll("[data-label]").forEach(function (span) {
      span.textContent = span.dataset.label.replace(/\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}/g, function (m, code) {
        var value = context[code];
        return value === undefined || value === null ? "" : Array.isArray(value) ? value.join(" ") : String(value);
      });
    });
    if (show) Object.assign(into, answersOf({ querySelectorAll: function () { return [fs]; } }, context));
  }

  function entriesOf(section) {
    return Array.prototype.filter.call(section.children, function (el) { return el.hasAttribute("data-entry"); });
  }

  // Names, ids and buttons of a repeat's entries follow their order: "agents[0].party", "agents[1].party"...
  function renumber(section) {
    var code = section.dataset.repeat;
    var pattern = new RegExp(code.replace(/[.\-]/g, "\\$&") + "\\[(\\d+|__i__)\\]", "g");
    entriesOf(section).forEach(function (entry, i) {
      var title = entry.querySelector("[data-entry-title]");
      if (title) title.textContent = title.dataset.entryTitle + " " + (i + 1);
      entry.querySelectorAll("*").forEach(function (el) {
        ["name", "id", "aria-labelledby", "data-error-for", "data-locate", "data-locate-status", "data-photo-for",
          "data-photo-preview"].forEach(function (attribute) {
          var value = el.getAttribute(attribute);
          if (value) el.setAttribute(attribute, value.replace(pattern, code + "[" + i + "]"));
        });
        if (el.matches("input[type=hidden][name='" + code + "']")) el.value = String(i);
        if (el.hasAttribute("data-remove-entry")) el.value = "remove:" + code + ":" + i;
      });
    });
  }
  function addEntry(section) {
    var template = section.querySelector("template[data-entry-template]");
    var last = entriesOf(section).pop();
    var fresh = template.content.firstElementChild.cloneNode(true);
    section.insertBefore(fresh, last ? last.nextSibling : template);
    renumber(section);
  }

  // A repeat_count (jr:count): as many entries as the count computed from the answers above.
  function syncCount(section, top) {
    if (!section.dataset.count) return;
    var wanted = number(compute(JSON.parse(section.dataset.count), top));
    wanted = wanted === null ? 0 : Math.min(200, Math.max(0, Math.trunc(wanted)));
    while (entriesOf(section).length < wanted) addEntry(section);
    while (entriesOf(section).length > wanted) section.removeChild(entriesOf(section).pop());
  }

  function applyEntries(section, top) {
    syncCount(section, top);
    var entries = entriesOf(section), answers = [], base = Object.assign({}, top);
    base[section.dataset.repeat] = entries.map(function () { return {}; });  // count(${repeat})
    // A repeat none of whose questions is asked (its own relevance false) is hidden, as the server drops it.
    var start = Object.assign({}, base, { "#position": 1 });
    section.hidden = !entryQuestions(section).some(function (q) {
      return q.type !== "note" && evaluate(q.relevance, start);
    });
    entries.forEach(function (entry, index) {
      var own = {};
      entry.querySelectorAll("fieldset.question").forEach(function (fs) {
        showQuestion(fs, Object.assign({}, base, own, { "#position": index + 1 }), own);
      });
      answers.push(own);
    });
    return answers;
  }

  function applyRelevance(form) {
    // In order: a question's relevance reads only the answers of questions shown before it; an entry's
    // questions read their entry's answers too. Returns the answers shown.
    var answers = {};
    form.querySelectorAll("fieldset.question, section.repeat").forEach(function (el) {
      if (el.parentNode.closest("[data-entry]")) return;  // with its entry, below
      if (el.matches("section.repeat")) { answers[el.dataset.repeat] = applyEntries(el, answers); return; }
      showQuestion(el, answers, answers);
    });
    return answers;
  }

  // The entries' questions as checkEntries reads them, from the fields the page drew.
  function entryQuestions(section) {
    var template = section.querySelector("template[data-entry-template]");
    return Array.prototype.map.call(template.content.querySelectorAll("fieldset.question"), function (fs) {
      var parse = function (name) { return JSON.parse(fs.dataset[name] || "null"); };
      return { code: fs.dataset.code, relevance: parse("relevance"), constraint: parse("constraint"),
        calculation: parse("calculation"), required: !!fs.querySelector("[required]"),
        type: fs.dataset.calculation ? "calculate" : fs.querySelector("input, textarea, select") ? "answer" : "note" };
    });
  }

  // ---- outbox ---------------------------------------------------------------------
  function outbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }
  // False when the phone's storage is full (photos fill it first): the caller keeps the page as it is
  // and says so, rather than letting the observer believe the filing waits in the outbox.
  function saveOutbox(items) {
    try { localStorage.setItem(OUTBOX, JSON.stringify(items)); return true; } catch (e) { return false; }
  }

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

  // One sending at a time. A sending asked for while one is under way runs once more after it, for every
  // caller: the "online" event can come while the last try, made offline, is still failing, and that
  // failure must not stand for the sending the network's return asked for.
  var flushing = null, again = null;
  function flush(syncUrl, csrfUrl, onResult) {
    if (flushing) {
      if (!again) {
        var next = again = { results: [] };
        var rerun = function () {
          again = null;
          return flush(syncUrl, csrfUrl, function (item, status, body) {
            next.results.forEach(function (report) { report(item, status, body); });
          });
        };
        next.promise = flushing.then(rerun, rerun);
      }
      if (onResult) again.results.push(onResult);
      return again.promise;
    }
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

  // Send what waits when the network comes back, and keep trying while anything waits: the
  // "online" event can come before the connection works, and a flush that then fails would
  // otherwise wait for the next event while the phone is connected.
  // One try per phone every 10 s at most (PHONE_OUTBOX_RETRY_SECONDS, the page's data-retry-ms):
  // a failing server is not flooded.
  var RETRY_MS = 10000;
  function sendWhenOnline(send, page) {
    window.addEventListener("online", send);
    setInterval(function () {
      if (navigator.onLine && !flushing && outbox().length) send();
    }, Number(page.dataset.retryMs) > 0 ? Number(page.dataset.retryMs) : RETRY_MS);
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
      });
    });
    var status = document.getElementById("form-status");
    applyRelevance(form);
    form.addEventListener("input", function () { applyRelevance(form); });
    // A repeat's "Add an entry" and "Remove this entry" work on the phone, offline; without this script they post.
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-entry], [data-remove-entry]");
      if (!button) return;
      event.preventDefault();
      var section = button.closest("section.repeat");
      if (button.hasAttribute("data-add-entry")) addEntry(section);
      else section.removeChild(button.closest("[data-entry]"));
      renumber(section);
      applyRelevance(form);
    });
    // Enter in a field sends the checklist, as on a page without repeats: never "Add an entry", the first button.
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT" || !form.querySelector("section.repeat")) return;
      event.preventDefault();
      form.requestSubmit(form.querySelector("button[type=submit]"));
    });
    form.addEventListener("change", function () { applyRelevance(form); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
      // The form's constraints (". <= ${ballots}", regex()) checked here too, from the same tree, so an
      // answer the server would refuse is corrected before it waits in the outbox.
      var answers = applyRelevance(form), broken = false;
      form.querySelectorAll("fieldset.question[data-constraint]").forEach(function (fs) {
        var tree = JSON.parse(fs.dataset.constraint || "null"), own = answers[fs.dataset.code];
        if (fs.closest("[data-entry]") || fs.disabled || !tree || own === undefined) return;
        if (!evaluate(tree, Object.assign({}, answers, { ".": own }))) {
          fs.querySelector("[data-error-for]").textContent = fs.dataset.constraintMessage;
          broken = true;
        }
      });
      form.querySelectorAll("section.repeat").forEach(function (section) {
        var code = section.dataset.repeat, questions = entryQuestions(section);
        var checked = checkEntries(questions, { code: code, count: JSON.parse(section.dataset.count || "null") },
          answers[code] || [], answers);
        Object.keys(checked.errors).forEach(function (key) {
          var target = form.querySelector('[data-error-for="' + key + '"]');
          var fs = target && target.closest("fieldset");
          if (target) target.textContent = checked.errors[key] === "constraint" && fs ? fs.dataset.constraintMessage
            : section.dataset.msgRequired;
          broken = true;
        });
        answers[code] = checked.entries;
      });
      if (broken) { show(status, form.dataset.msgInvalid, "error"); return; }
      var item = {
        client_id: form.querySelector("input[name=client_id]").value || uuid(),
        template: form.dataset.template, version: Number(form.dataset.version),
        station_code: form.dataset.station, answers: answers,
        submitted_at: new Date().toISOString()
      };
      if (!saveOutbox(outbox().filter(function (o) { return o.client_id !== item.client_id; }).concat([item]))) {
        show(status, form.dataset.msgFull, "error");
        return;
      }
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
    sendWhenOnline(function () {
      flush(form.dataset.syncUrl, form.dataset.csrfUrl, function (sent, code) {
        if (code !== 422) show(status, form.dataset.msgSent, "success");
      });
    }, form);
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
      if (!saveOutbox(outbox().concat([item]))) {
        show(incidentStatus, incident.dataset.msgFull, "error");
        return;
      }
      incident.querySelector("[name=client_id]").value = uuid();
      show(incidentStatus, incident.dataset.msgQueued, "info");
    });
    sendWhenOnline(function () {
      flush(incident.dataset.jsonUrl, incident.dataset.csrfUrl, function (sent, code) {
        if (code !== 422) show(incidentStatus, incident.dataset.msgSent, "success");
      });
    }, incident);
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
      }).then(function (registration) {
        // The worker itself keeps the checklists listed here, and takes this page under its control: the
        // page's own requests would pass through it only once it controls the page, which a page still
        // loading when the worker started (or reloaded past it) never is until it asks.
        var keep = Array.prototype.map.call(document.querySelectorAll("a[data-precache]"), function (a) { return a.href; });
        registration.active.postMessage({ keep: keep });
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
    sendWhenOnline(send, app);
    if (navigator.onLine) send();
  }
  if (form && navigator.onLine && outbox().length) flush(form.dataset.syncUrl, form.dataset.csrfUrl);
})();
