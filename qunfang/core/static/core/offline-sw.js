// Staff pages without a network: the network first, the phone's cache when there is none. Kept are the
// pages that say they work offline (data-offline-page on <body>) and the static files, nothing else (no
// API answer, no sign-in page, no list that does not ask). A page is kept without its flash messages and
// marked as the kept copy (data-offline-copy), so that outbox.js gives its forms fresh submission keys.
// The cache holds one person's pages: outbox.js empties it on sign-out, on the sign-in page and when
// another person's page appears ("forget").
const CACHE = "qunfang-pages";
const PENDING = "/offline/pending/"; // forms kept for the outbox, in the pages' cache: forgotten with them
const MARK = "_outbox";
const FALLBACK = "/no-network/"; // outbox.js marks an offline-capable form sent from a live page

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function isStatic(url) {
  return url.pathname.startsWith("/static/");
}

async function keepPage(request, response) {
  if (!response.ok || response.type !== "basic") return false;
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return false;
  const text = await response.text();
  if (!/<body[^>]*\bdata-offline-page\b/.test(text)) return false;
  const kept = text
    .replace(/<ul class="messages">[\s\S]*?<\/ul>/, "")
    .replace("<body", '<body data-offline-copy="1"');
  const cache = await caches.open(CACHE);
  await cache.put(response.url || request.url, new Response(kept, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
  return true;
}

async function keepStatic(request, response) {
  if (response.ok && response.type === "basic") await (await caches.open(CACHE)).put(request.url, response);
}

// A page that sends elsewhere (the home, which opens one's own place) is kept as that redirect, beside
// the page it leads to, when that page works offline (a navigation sees its redirect only as opaque).
async function keepRedirect(address) {
  const final = await fetch(address, { credentials: "same-origin" });
  if (final.redirected && (await keepPage(new Request(final.url), final))) {
    await (await caches.open(CACHE)).put(address, Response.redirect(final.url, 302));
  }
}

async function fromNetwork(event, request, url) {
  const response = await fetch(request);
  if (isStatic(url)) event.waitUntil(keepStatic(request, response.clone()));
  else if (response.type === "opaqueredirect") event.waitUntil(keepRedirect(request.url).catch(() => null));
  else if (request.mode === "navigate") event.waitUntil(keepPage(request, response.clone()));
  return response;
}

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request.url, { ignoreVary: true, ignoreSearch: false });
  if (kept) return kept;
  // A page not kept: the phone's own page saying so, with the way to those it keeps (core/offline.py).
  const fallback = request.mode === "navigate" ? await cache.match(FALLBACK) : null;
  return fallback || Response.error();
}

// A form sent from a live page when the signal is too weak to carry it: the browser would show its own
// error page and what the clerk wrote would be gone. A form outbox.js marked is kept for the outbox
// instead (sent again later with the same submission keys, so one that did arrive is answered as the
// first time: core/once.py), and the clerk is taken back to the page the form was on.
async function sendForm(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    let data = null;
    try {
      data = await copy.formData();
    } catch (unreadable) {
      return Response.error();
    }
    if (!data.has(MARK)) return Response.error();
    const fields = [];
    const leftOut = [];
    for (const [name, value] of data.entries()) {
      if (name === MARK) continue;
      if (typeof value === "string") fields.push([name, value]);
      else if (value.size) leftOut.push(value.name || name);
    }
    const kept = { url: request.url, page: request.referrer, mark: data.get(MARK), fields, left_out: leftOut, at: new Date().toISOString() };
    const name = `${PENDING}${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await (await caches.open(CACHE)).put(name, new Response(JSON.stringify(kept), { headers: { "Content-Type": "application/json" } }));
    return Response.redirect(request.referrer || "/", 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && !url.pathname.startsWith("/accounts/")) {
    event.respondWith(sendForm(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/accounts/") || url.pathname.startsWith("/offline/")) return;
  if (!isStatic(url) && request.mode !== "navigate") return;
  event.respondWith(fromNetwork(event, request, url).catch(() => fromCache(request)));
});

// From outbox.js: keep this page and its files now (its first visit came before this worker was in
// charge), or forget every kept page (sign-out, another person).
self.addEventListener("message", (event) => {
  const message = event.data || {};
  const answer = (value) => event.ports[0] && event.ports[0].postMessage(value);
  if (message.forget) {
    event.waitUntil(caches.delete(CACHE).then(() => answer({ forgotten: true })));
  } else if (message.keep) {
    event.waitUntil((async () => {
      let kept = false;
      try {
        const page = new Request(message.keep, { credentials: "same-origin" });
        kept = await keepPage(page, await fetch(page));
        const cache = await caches.open(CACHE);
        await Promise.all((message.assets || []).map(async (asset) => {
          if (!(await cache.match(asset))) await keepStatic(new Request(asset), await fetch(asset));
        }));
      } catch (error) {
        kept = false;
      }
      answer({ kept });
    })());
  }
});
