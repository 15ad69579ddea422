// The guard page's service worker: the network first, the phone's cache when there is none, for the
// guard pages and the scripts they cached (guard.js puts them there). Nothing else is touched.
const CACHE = "qunfang-guard";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).catch(async () => {
      const cached = await caches.match(request, { ignoreVary: true });
      if (cached) return cached;
      throw new Error("offline and not cached");
    }),
  );
});
