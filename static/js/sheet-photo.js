// The tally sheet's photo from the phone: compressed here (JPEG under the server's bound, at a legible
// resolution), kept in the phone's outbox while there is no network, sent when it returns. The server
// files the same bytes once, so a retry after a lost answer does not make a second image.
// The same compression serves the photos of checklists' image questions (observation.js), through
// window.electoralPhoto: one implementation for both.
(function () {
  "use strict";

  // A photo as a JPEG data: URL at most maxSide pixels on its longer side, at the best quality under maxBytes.
  function compress(file, maxBytes, maxSide) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, maxSide / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        var qualities = [0.8, 0.7, 0.6, 0.5, 0.4];
        for (var i = 0; i < qualities.length; i++) {
          var url = canvas.toDataURL("image/jpeg", qualities[i]);
          if (url.length * 0.75 <= maxBytes || i === qualities.length - 1) { resolve(url); return; }
        }
      };
      img.onerror = reject;
      // Read as a data: URL: the content security policy allows data: images, not blob: ones.
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function blobOf(dataUrl) {
    var bytes = atob(dataUrl.split(",")[1]), array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: "image/jpeg" });
  }

  window.electoralPhoto = { compress: compress, blobOf: blobOf };

  var OUTBOX = "electoral-sheet-photos";
  var form = document.getElementById("sheet-photo");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("sheet-photo-outbox");
  var maxBytes = Number(form.dataset.maxBytes), maxSide = Number(form.dataset.maxSide);

  function outbox() { try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; } }
  function saveOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }
  function say(text, kind) { status.textContent = text; status.className = "flash " + (kind || "info"); status.hidden = !text; }
  function showQueue() {
    var n = outbox().length;
    if (n) say(form.dataset.msgQueued.replace("{n}", n), "info");
  }

  function send(item, token) {
    var data = new FormData();
    data.append("csrf_token", token);
    data.append("race", item.race);
    data.append("station", item.station);
    data.append("device_time", item.device_time);
    data.append("image", blobOf(item.image), "sheet.jpg");
    return fetch(form.action || window.location.href, { method: "POST", credentials: "same-origin", body: data,
                                                        headers: { "Accept": "application/json" } });
  }

  function freshToken() {
    return fetch(form.dataset.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); }).then(function (b) { return b.csrf_token; });
  }

  // One sending at a time; one asked for while another is under way (the "online" event while the last try,
  // made before the connection worked, is still failing) runs once more after it.
  var flushing = false, again = null;
  async function flush() {
    if (flushing) {
      if (!again) again = flushing.then(function () { again = null; return flush(); });
      return again;
    }
    var done;
    flushing = new Promise(function (resolve) { done = resolve; });
    try {
      var items = outbox();
      for (var i = 0; i < items.length; i++) {
        var item = items[i], response;
        try {
          var token = form.querySelector("input[name=csrf_token]").value;
          response = await send(item, token);
          if (response.status === 400) response = await send(item, await freshToken());
        } catch (e) { break; }  // still offline
        var body = {};
        try { body = await response.json(); } catch (e) { /* keep the item */ }
        if ([200, 201, 403, 422].indexOf(response.status) >= 0) {
          saveOutbox(outbox().filter(function (o) { return o.id !== item.id; }));
          if (response.status < 300) say(form.dataset.msgSent.replace("{sha}", body.sha256), "success");
          else say(Object.values(body.errors || { "": [body.error || ""] }).join(" "), "error");
        } else { break; }
      }
    } finally { flushing = false; done(); showQueue(); }
  }

  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]").files[0];
    if (!file) return;  // the server says what is missing
    event.preventDefault();
    compress(file, maxBytes, maxSide).then(function (dataUrl) {
      var item = { id: Date.now().toString(36) + Math.random().toString(36).slice(2, 8),
                   race: form.race.value, station: form.station.value,
                   device_time: new Date().toISOString(), image: dataUrl };
      try { saveOutbox(outbox().concat([item])); } catch (e) { say(e.message, "error"); return; }
      form.reset();
      return flush();
    }, function () { say(form.dataset.msgUnreadable, "error"); });
  });
  window.addEventListener("online", flush);
  // And again every 10 s (PHONE_OUTBOX_RETRY_SECONDS) while the phone says it is online and a photo waits:
  // a sending that failed after the "online" event otherwise waited for the next one.
  setInterval(function () {
    if (navigator.onLine && !flushing && outbox().length) flush();
  }, Number(form.dataset.retryMs) > 0 ? Number(form.dataset.retryMs) : 10000);
  showQueue();
  flush();
})();
