// Service worker of the roll call (served at /learning/classes/roll-sw.js, scope
// /learning/classes/). It keeps the last copy of each class's roll page and the static files,
// so the page opens with no connection; marks are queued by the page itself (roll.js).
"use strict";

var CACHE = "hocvuso-roll-v1";
var ROLL = /^\/learning\/classes\/\d+\/roll\/$/;

function usable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("hocvuso-roll-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// Network first for the page (today's list), the cached copy when offline; cache first for
// static files, refreshed behind.
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
  if (request.mode === "navigate" && ROLL.test(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request, request.url));
  }
});
