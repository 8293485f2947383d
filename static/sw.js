// The participant page's service worker (registered with the scope /j/): it keeps the page,
// its scripts, its style and every interface catalogue, so that a phone that reloads while
// the venue's Wi-Fi is down still opens its questionnaire. Answers are not its business:
// the page keeps them itself until the server acknowledges them.
//
// Network first, the cache only when the network fails: online, a phone always runs the
// server's current scripts (as the pages' `Cache-Control: no-cache` promises).

const CACHE = "polling-participant-v1";
const LANGUAGES = ["ar", "de", "en", "es", "fr", "it", "mk", "ru", "sq", "sr-Latn", "tr", "uk"];
// Every /j/CODE is the same page: one copy, kept under /j/, answers for them all.
const PAGE = "/j/";
const CATALOGUES = LANGUAGES.map((code) => `/static/i18n/${code}.json`);

/** The page's own files, read from the page itself (its style, script and preloaded
 * modules), so that a module added to the page is kept with no change here. */
function filesOf(html) {
  const found = new Set();
  for (const match of html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)) found.add(match[1]);
  return [...found];
}

/** The modules a script imports, statically or when a feature needs them, as paths. */
function importsOf(script, url) {
  const found = [];
  for (const match of script.matchAll(/(?:from\s*|import\(\s*)"(\.\/[^"]+\.js)"/g)) {
    found.push(new URL(match[1], new URL(url, self.location.origin)).pathname);
  }
  return found;
}

/** Keep one file; for a script, also every module it imports (the page loads some only when
 * a session uses their feature, and offline it must still find them). */
async function keep(cache, url, seen) {
  if (seen.has(url)) return;
  seen.add(url);
  const response = await fetch(url);
  if (!response.ok) return;
  await cache.put(url, response.clone());
  if (!url.endsWith(".js")) return;
  const nested = importsOf(await response.text(), url);
  await Promise.all(nested.map((next) => keep(cache, next, seen).catch(() => undefined)));
}

async function keepPage() {
  const cache = await caches.open(CACHE);
  const response = await fetch(PAGE);
  if (!response.ok) throw new Error(`${PAGE}: ${response.status}`);
  const html = await response.clone().text();
  await cache.put(PAGE, response);
  // Each file on its own: one that fails keeps the others.
  const seen = new Set();
  await Promise.all(filesOf(html).concat(CATALOGUES).map((url) => keep(cache, url, seen).catch(() => undefined)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepPage().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

/** The cache key of a request: every participant page is the one page. */
function keyOf(request) {
  const url = new URL(request.url);
  return request.mode === "navigate" && url.pathname.startsWith("/j/") ? PAGE : url.pathname;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const key = keyOf(request);
  if (request.mode !== "navigate" && !key.startsWith("/static/")) return; // the API and the socket go to the network
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() => caches.match(key).then((kept) => kept || Response.error())),
  );
});
