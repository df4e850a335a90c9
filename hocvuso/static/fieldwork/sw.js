// Service worker of the offline phone form (served at /fieldwork/sw.js, scope /fieldwork/).
// It keeps the last copy of /fieldwork/log/ and the static files it uses, so the form opens
// with no connection. It never touches /api/: visits are queued by the page in IndexedDB.
"use strict";

var CACHE = "hocvuso-fieldwork-v1"; // change to drop every older copy on the next visit
var PAGE = "/fieldwork/log/";
var MANIFEST = "/fieldwork/manifest.webmanifest";
// Static URLs with a content hash (WhiteNoise's manifest storage) never change: cache-first.
// Others (development, tests) are served from the cache too but refreshed behind it.
var HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

function isPage(url) { return url.origin === self.location.origin && url.pathname === PAGE; }
function isStatic(url) { return url.origin === self.location.origin && url.pathname.indexOf("/static/") === 0; }
function usable(response) {
  // A redirect (to the login page when the session ended) is not the form: never cache it.
  return response && response.ok && response.type === "basic" && !response.redirected;
}

// The page and every static file it names, fetched once the worker is installed.
function cachePage(cache) {
  return fetch(PAGE, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (!usable(response)) return;
    return response.clone().text().then(function (html) {
      var urls = [];
      var found = /(?:src|href)="(\/static\/[^"]+)"/g;
      var match;
      while ((match = found.exec(html))) urls.push(match[1].replace(/&amp;/g, "&"));
      return cache.put(PAGE, response).then(function () {
        return Promise.all(urls.concat([MANIFEST]).map(function (url) {
          return fetch(url).then(function (r) { if (usable(r)) return cache.put(url, r); })
            .catch(function () { /* picked up at runtime instead */ });
        }));
      });
    });
  }).catch(function () { /* offline at install: the page is cached on its next visit */ });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(cachePage).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("hocvuso-fieldwork-") === 0 && n !== CACHE;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Network first for the form, so a connected phone always gets today's teams and code;
// the cached copy when the network fails — or when the server redirects to the login page,
// so an expired session never locks a team member out of logging (the page then asks them
// to sign in again before it can send).
function page(request) {
  return fetch(request).then(function (response) {
    if (usable(response)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(PAGE, copy); });
      return response;
    }
    return caches.match(PAGE).then(function (cached) { return cached || response; });
  }, function () {
    return caches.match(PAGE).then(function (cached) {
      return cached || Response.error();
    });
  });
}

function staticFile(request, event) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (usable(response)) cache.put(request, response.clone());
        return response;
      });
      if (!cached) return fresh;
      if (!HASHED.test(new URL(request.url).pathname)) {
        event.waitUntil(fresh.catch(function () { /* offline: the cached copy will do */ }));
      }
      return cached;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  // Everything else (the API above all) goes straight to the network, uncached.
  if (request.mode === "navigate" && isPage(url)) event.respondWith(page(request));
  else if (isStatic(url)) event.respondWith(staticFile(request, event));
  else if (url.origin === self.location.origin && url.pathname === MANIFEST) {
    event.respondWith(fetch(request).then(function (response) {
      if (usable(response)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(MANIFEST, copy); });
      }
      return response;
    }, function () { return caches.match(MANIFEST).then(function (c) { return c || Response.error(); }); }));
  }
});
