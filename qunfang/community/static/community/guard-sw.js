// The guard page's service worker: the network first, the phone's cache when there is none. What the
// guard pages load (the page, its scripts, the styles) is kept in the cache as it arrives, so the page
// opens again without a network; guard.js also puts them there on its first load, before this worker
// is in charge. Nothing else is kept.
const CACHE = "qunfang-guard";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function keeps(url) {
  return url.origin === self.location.origin && (url.pathname.startsWith("/static/") || /^\/gates\/\d+\/guard\/$/.test(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && keeps(url)) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(async () => {
        const cached = await caches.match(request, { ignoreVary: true });
        if (cached) return cached;
        throw new Error("offline and not cached");
      }),
  );
});
