// The kiosk page's service worker. kiosk.js registers it with the page itself as its scope:
// /kiosk-sw.js for /kiosk (on `nps serve`), /www/kiosk-sw.js for /www/kiosk.html (the file, and
// the installed app's start_url). So it controls the kiosk page and nothing else of the site:
// a shop or demo page on the same origin never gets this worker's copy of pkg/.
// After one visit the kiosk starts with no network at all: the page, its assets, pkg/ and the
// language catalogs come from the cache 'nps-kiosk-v1'.
// - Answered: navigations to the page whatever their query string (the configuration), and the
//   page's GETs of those files. Nothing else: the answers POSTed to the endpoint and any other
//   request go to the network as if there were no worker.
// - Cached copy first. A navigation to the page then refreshes every cached file in the
//   background, all or nothing: the loader, the glue and the .wasm of pkg/ must stay one version
//   (a new glue with an old .wasm would not start), so a refresh that fails halfway keeps the
//   old set whole. The next start uses what it fetched. A file not cached yet is fetched, and
//   kept (a catalog the first visit fetched before this worker was there).
'use strict';

const CACHE = 'nps-kiosk-v1';
const ASSETS = [
  '/www/kiosk.js',
  '/www/kiosk.css',
  '/www/kiosk.webmanifest',
  '/www/kiosk-icon.svg',
  '/www/kiosk-192.png',
  '/www/kiosk-512.png',
  '/pkg/nps-widget.js',
  '/pkg/nps_widget.js',
  '/pkg/nps_widget_bg.wasm',
];
// The catalogs of docs/contract.md §1 (English is built in). Precached, best effort: on the
// first visit the widget fetches its catalog before this worker controls the page, and a
// tablet's configuration (?locale=) may change later with no network.
const LOCALES = ['ru', 'uk', 'de', 'fr', 'es', 'it', 'pt', 'pl', 'nl', 'sv', 'tr', 'ja', 'zh',
  'ko', 'hi', 'id', 'ar', 'he', 'fa'].map((tag) => `/pkg/locales/${tag}.json`);
// The page: the scope (/kiosk, /www/kiosk.html); a folder scope (/www/, the default of a
// registration without one) means its kiosk.html.
const SCOPE = new URL(self.registration.scope).pathname;
const PAGE = SCOPE.endsWith('/') ? SCOPE + 'kiosk.html' : SCOPE;

// Fresh from the server (past the HTTP cache), and only a whole, same-origin 200.
async function fetchFresh(path) {
  const response = await fetch(new Request(path, { cache: 'no-cache' }));
  if (!response.ok || response.type !== 'basic') throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

// Fetches every path, then stores them all, or none if one fails.
async function refresh(paths) {
  const responses = await Promise.all(paths.map(fetchFresh));
  const cache = await caches.open(CACHE);
  await Promise.all(responses.map((r, i) => cache.put(paths[i], r)));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    await refresh([PAGE, ...ASSETS]);
    const cache = await caches.open(CACHE);
    await Promise.all(LOCALES.map((path) => fetchFresh(path)
      .then((r) => cache.put(path, r))
      .catch((e) => console.warn('nps-kiosk: catalog not cached', e.message))));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('nps-kiosk-') && name !== CACHE) await caches.delete(name);
    }
    // The first visit is controlled at once: its later requests are answered from the cache.
    await self.clients.claim();
  })());
});

// The cache key of a request this worker answers, or null (left to the network).
function keyOf(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return null;
  const path = url.pathname;
  if (path === PAGE) return path;
  if (url.search || request.mode === 'navigate') return null;
  if (ASSETS.includes(path) || /^\/pkg\/locales\/[A-Za-z0-9-]+\.json$/.test(path)) return path;
  return null;
}

let lastRefresh = 0;

self.addEventListener('fetch', (event) => {
  const key = keyOf(event.request);
  if (!key) return;
  const page = key === PAGE;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(key);
    if (page && Date.now() - lastRefresh > 60000) {
      // Every cached file, the page included; the failure of a background refresh is only
      // logged (no unhandled rejection): the cached set stays.
      lastRefresh = Date.now();
      event.waitUntil(cache.keys()
        .then((requests) => refresh([...new Set([PAGE, ...ASSETS,
          ...requests.map((r) => new URL(r.url).pathname)])]))
        .catch((e) => console.warn('nps-kiosk: background refresh failed, the cached copy stays', e.message)));
    }
    if (cached) {
      // A navigation cannot be answered with a redirected response.
      return cached.redirected ? new Response(cached.body, cached) : cached;
    }
    const response = await fetch(event.request);
    // Not cached yet (a catalog fetched for the first time): kept for the next start.
    if (response.ok && response.type === 'basic' && !page) {
      event.waitUntil(cache.put(key, response.clone()).catch(() => {}));
    }
    return response;
  })());
});
