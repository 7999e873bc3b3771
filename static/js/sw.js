/* Keeps the observer's pages and the checklists for offline use (served from
   /observation/sw.js so that its scope is /observation/). Network first: the
   observer sees the latest page when there is network, the kept copy when not. */
"use strict";
var CACHE = "electoral-observation-v1";
var SHELL = ["/observation/my", "/static/css/app.css", "/static/js/observation.js", "/static/img/emblem.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The observer's home sends the checklists it lists: kept now, so that each opens offline though never
// opened online, and the home is taken under control (the claim at activation skips a page still loading).
self.addEventListener("message", function (event) {
  var urls = event.data && event.data.keep;
  if (!Array.isArray(urls)) return;
  event.waitUntil(Promise.all([
    self.clients.claim().catch(function () {}),
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (href) {
        var url = new URL(href, self.location.href);
        if (url.origin !== self.location.origin || url.pathname.indexOf("/observation/my/") !== 0) return null;
        return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
          // As below: only real pages, never a redirect to the sign-in page.
          if (response.ok && !response.redirected) return cache.put(url.href, response);
        }).catch(function () {});
      }));
    })
  ]));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/observation/my") !== 0 && url.pathname.indexOf("/static/") !== 0) return;
  if (url.pathname === "/observation/my/csrf") return;
  event.respondWith(fetch(request).then(function (response) {
    // Only real pages: a redirect to the sign-in page must not replace a kept checklist.
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (kept) { return kept || caches.match("/observation/my"); });
  }));
});
