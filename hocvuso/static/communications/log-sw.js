// Service worker of the outputs phone form (served at /communications/sw.js, scope
// /communications/). It keeps the last copy of the campaign list and of each campaign's form
// and the static files they use, so the form opens with no connection. It never touches /api/:
// outputs are queued by the page itself (log.js).
"use strict";

var CACHE = "hocvuso-communications-v1"; // change to drop every older copy on the next visit
var PAGES = /^\/communications\/(\d+\/)?log\/$/;

function usable(response) {
  // A redirect (to the login page when the session ended) is not the form: never cache it.
  return response && response.ok && response.type === "basic" && !response.redirected;
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("hocvuso-communications-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// Network first (today's outputs, a fresh CSRF token), the cached copy when the network fails;
// a page is cached under its path alone, so "?saved=…" after a save is the same form.
function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (usable(response)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
      return response;
    }
    return caches.match(key).then(function (cached) { return cached || response; });
  }, function () {
    return caches.match(key).then(function (cached) { return cached || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGES.test(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request, request.url));
  }
});
