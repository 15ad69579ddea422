// The outbox: a form marked `data-offline-outbox` that is submitted without a network is kept on the
// phone (localStorage, one list per signed-in person) with the address it goes to and fresh submission
// keys (core/once.py), shown in the page's outbox ("3 waiting to send"), and sent once the network is
// back (the online event, a page load, "Send now"), each with its own keys, so a resend after a lost
// answer is answered as the first was and makes no second record. The server's answer decides: a
// redirect is a success (unless its page shows an error message); the form shown again with its errors,
// a 404 or 403 is a refusal, kept and shown in the server's words with what the clerk can do (open the
// page as it stands now, edit and send again, discard). A fresh CSRF token is asked for before sending;
// a signed-out phone keeps everything and says "sign in first".
// It also registers the service worker (offline-sw.js) and asks it to keep a page marked offline-capable.
const CACHE = "qunfang-pages";
const PAGES_USER = "qunfang-pages-user";
const EDITING = "qunfang-outbox-editing";
const PENDING = "/offline/pending/"; // offline-sw.js keeps here a marked form the network failed to carry
const MARK = "_outbox";
const setupNode = document.getElementById("outbox-setup");

function forgetPages() {
  return "caches" in window ? caches.delete(CACHE).catch(() => false) : Promise.resolve(false);
}

function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

function freshKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

// Keys for a saving of its own: a page kept on the phone carries the keys it was kept with, which
// may have been used already; each saving into the outbox must be new to the server.
function freshen(form) {
  const names = ["submission_key", ...(form.dataset.outboxFresh || "").split(/\s+/).filter(Boolean)];
  for (const name of names) {
    for (const input of form.querySelectorAll(`input[type=hidden][name="${name}"]`)) input.value = freshKey();
  }
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

class Outbox {
  constructor(setup) {
    this.setup = setup;
    this.words = setup.words;
    this.key = `qunfang-outbox-${setup.user}`;
    this.box = document.getElementById("outbox");
    this.offlinePage = document.body.hasAttribute("data-offline-page");
    this.sending = false;
    this.said = "";
  }

  items() {
    try {
      const kept = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(kept) ? kept : [];
    } catch (error) {
      return [];
    }
  }

  store(items) {
    localStorage.setItem(this.key, JSON.stringify(items));
  }

  change(id, changes) {
    const items = this.items();
    const found = items.find((item) => item.id === id);
    if (found && changes === null) items.splice(items.indexOf(found), 1);
    else if (found) Object.assign(found, changes);
    this.store(items);
  }

  describe(form, submitter) {
    const date = form.querySelector("input[type=date]");
    const chosen = submitter && submitter.name ? submitter.textContent.trim() : "";
    return [form.dataset.offlineOutbox, chosen, date && date.value].filter(Boolean).join(" · ");
  }

  keep(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const fields = [];
    const leftOut = [];
    for (const [name, value] of data.entries()) {
      if (typeof value !== "string") {
        if (value.size) leftOut.push(value.name || name);
      } else fields.push([name, value]);
    }
    const items = this.items();
    if (form.dataset.outboxEditing) {
      const earlier = items.findIndex((item) => item.id === form.dataset.outboxEditing);
      if (earlier >= 0) items.splice(earlier, 1);
    }
    items.push({
      id: freshKey(), url: form.action, page: location.href, title: this.describe(form, submitter), fields,
      left_out: leftOut, saved_at: new Date().toISOString(), state: "waiting", problem: "",
    });
    this.store(items);
    delete form.dataset.outboxEditing;
    form.reset();
    freshen(form);
    this.said = leftOut.length ? `${this.words.kept} ${this.words.left_out}` : this.words.kept;
    this.render();
    this.box.scrollIntoView({ block: "nearest" });
  }

  // What the worker kept when the network failed to carry a form sent from a live page: into the
  // outbox, with the keys it was sent with (had it arrived after all, the resend is answered as the
  // first time).
  async adoptPending() {
    if (!("caches" in window)) return;
    const cache = await caches.open(CACHE);
    const found = (await cache.keys()).filter((request) => new URL(request.url).pathname.startsWith(PENDING));
    if (!found.length) return;
    const items = this.items();
    for (const request of found) {
      const kept = await cache.match(request).then((response) => response.json()).catch(() => null);
      await cache.delete(request);
      let mark = {};
      try {
        mark = JSON.parse(kept && kept.mark);
      } catch (error) {
        continue;
      }
      // Only the person who sent it sends it again (another signing in on the phone drops it).
      if (!mark || mark.user !== this.setup.user || !Array.isArray(kept.fields)) continue;
      if (new URL(kept.url, location.href).origin !== location.origin) continue;
      items.push({
        id: freshKey(), url: kept.url, page: kept.page || location.href, title: String(mark.title || ""),
        fields: kept.fields, left_out: kept.left_out || [], saved_at: kept.at, state: "waiting", problem: "",
      });
    }
    this.store(items);
    this.said = this.words.kept;
    this.render();
  }

  async token() {
    try {
      const response = await fetch(this.setup.token_url, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected && new URL(response.url).pathname === this.setup.login_url) {
        return { refused: this.words.sign_in };
      }
      if (!response.ok) return null;
      const answer = await response.json();
      if (answer.user !== this.setup.user) return { refused: this.words.other_user };
      return { csrf: answer.csrf };
    } catch (error) {
      return null; // no network
    }
  }

  async sendAll() {
    if (this.sending || !navigator.onLine) return;
    if (!this.items().some((item) => item.state !== "refused")) return;
    if (navigator.locks) await navigator.locks.request(this.key, () => this.sendLocked());
    else await this.sendLocked();
  }

  async sendLocked() {
    this.sending = true;
    this.said = "";
    this.render();
    let sent = 0;
    const pages = new Set();
    try {
      const token = await this.token();
      if (!token) return;
      for (const item of this.items().filter((kept) => kept.state !== "refused")) {
        if (token.refused) {
          this.change(item.id, { state: "sign_in", problem: token.refused });
          continue;
        }
        const outcome = await this.sendOne(item, token.csrf);
        if (outcome === null) break; // the network went again
        this.change(item.id, outcome.state === "sent" ? null : outcome);
        if (outcome.state === "sent") {
          sent += 1;
          pages.add(item.page);
        }
      }
    } finally {
      this.sending = false;
      // The kept copies of the pages sent from show what is there now (a report's new version).
      const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
      if (worker) pages.forEach((page) => worker.postMessage({ keep: page }));
      if (sent) this.said = fill(this.words.sent, { count: sent });
      this.render();
    }
  }

  async sendOne(item, csrf) {
    if (new URL(item.url, location.href).origin !== location.origin) return { state: "refused", problem: this.words.gone };
    const body = new FormData();
    for (const [name, value] of item.fields) body.append(name, name === "csrfmiddlewaretoken" ? csrf : value);
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrf }, redirect: "follow",
      });
    } catch (error) {
      return null;
    }
    return this.judge(response);
  }

  async judge(response) {
    const words = this.words;
    const status = response.status;
    if (response.redirected && new URL(response.url).pathname === this.setup.login_url) {
      return { state: "sign_in", problem: words.sign_in };
    }
    if (status === 404) return { state: "refused", problem: words.gone };
    if (status === 403) return { state: "refused", problem: words.forbidden };
    if (status >= 500) return { state: "waiting", problem: fill(words.server, { status }) };
    const text = await response.text();
    if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) {
      return { state: "refused", problem: text.trim().slice(0, 300) || fill(words.unknown, { status }) };
    }
    const page = new DOMParser().parseFromString(text, "text/html");
    const said = (selector) => [...page.querySelectorAll(selector)].map((node) => node.textContent.trim()).filter(Boolean);
    if (response.ok && response.redirected) {
      const errors = said("ul.messages li.error");
      return errors.length ? { state: "refused", problem: errors.join(" ") } : { state: "sent" };
    }
    const errors = said("main form .errors p, main form p.error, main form .errorlist li, ul.messages li.error");
    return { state: "refused", problem: errors.join(" ") || fill(words.unknown, { status }) };
  }

  edit(item) {
    sessionStorage.setItem(EDITING, item.id);
    location.href = item.page;
  }

  fillIn() {
    const id = sessionStorage.getItem(EDITING);
    sessionStorage.removeItem(EDITING);
    const item = id && this.items().find((kept) => kept.id === id);
    const form = item && [...document.querySelectorAll("form[data-offline-outbox]")].find((f) => f.action === item.url);
    if (!form) return;
    const values = new Map();
    for (const [name, value] of item.fields) values.set(name, [...(values.get(name) || []), value]);
    for (const input of form.elements) {
      // The page's own hidden fields (token, keys, the version it shows) are today's: they stay.
      const kept = ["hidden", "file", "submit", "button"].includes(input.type) || input.tagName === "BUTTON";
      if (!input.name || kept || !values.has(input.name)) continue;
      const sent = values.get(input.name);
      if (input.type === "checkbox" || input.type === "radio") input.checked = sent.includes(input.value);
      else if (input.tagName === "SELECT" && input.multiple) {
        for (const option of input.options) option.selected = sent.includes(option.value);
      } else input.value = sent[0];
    }
    form.dataset.outboxEditing = item.id;
    this.said = this.words.editing;
    form.scrollIntoView({ block: "start" });
  }

  itemNode(item) {
    const words = this.words;
    const when = new Date(item.saved_at).toLocaleString(document.documentElement.lang || undefined);
    const node = element("li", { class: `outbox-item ${item.state}`, "data-state": item.state },
      element("strong", {}, item.title || item.page), " ", element("small", {}, fill(words.saved_at, { time: when })));
    if (item.left_out && item.left_out.length) node.append(element("p", { class: "help" }, words.left_out));
    if (item.problem) node.append(element("p", { class: item.state === "refused" ? "error" : "help", role: "alert" }, item.problem));
    if (item.state === "sign_in") {
      const back = `${this.setup.login_url}?next=${encodeURIComponent(location.pathname + location.search)}`;
      node.append(element("div", { class: "actions" }, element("a", { href: back, class: "button" }, words.sign_in_link)));
    }
    if (item.state === "refused") {
      const actions = element("div", { class: "actions" }, element("a", { href: item.page, class: "button secondary" }, words.open_now));
      const edit = element("button", { type: "button", class: "secondary" }, words.edit);
      edit.addEventListener("click", () => this.edit(item));
      const discard = element("button", { type: "button", class: "secondary danger" }, words.discard);
      discard.addEventListener("click", () => {
        if (window.confirm(words.discard_confirm)) {
          this.change(item.id, null);
          this.render();
        }
      });
      actions.append(edit, discard);
      node.append(actions);
    }
    return node;
  }

  render() {
    const items = this.items();
    const waiting = items.filter((item) => item.state !== "refused").length;
    this.box.hidden = !(items.length || this.offlinePage || this.said);
    const words = this.words;
    const refused = items.length - waiting;
    const said_count = waiting ? fill(words.waiting, { count: waiting }) : refused ? fill(words.refused_count, { count: refused }) : words.nothing;
    const count = element("strong", { id: "outbox-count" }, said_count);
    const head = element("p", { class: "outbox-head" }, `${words.heading} · `, count);
    if (!navigator.onLine) head.append(" · ", element("span", { class: "offline" }, words.offline));
    if (waiting && navigator.onLine) {
      const button = element("button", { type: "button", id: "outbox-send", class: "secondary" }, this.sending ? words.sending : words.send_now);
      button.disabled = this.sending;
      button.addEventListener("click", () => this.sendAll());
      head.append(" ", button);
    }
    const said = this.said ? [element("p", { class: "outbox-said", role: "status" }, this.said)] : [];
    const list = items.length ? [element("ul", { class: "outbox-items" }, ...items.map((item) => this.itemNode(item)))] : [];
    this.box.replaceChildren(head, ...said, ...list);
    this.box.dataset.waiting = String(waiting);
    this.box.dataset.refused = String(refused);
  }

  listen() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.matches(`form[action="${this.setup.logout_url}"]`)) {
        // Signing out: this person's pages leave the phone (what waits in the outbox stays, theirs only).
        event.preventDefault();
        localStorage.removeItem(PAGES_USER);
        forgetPages().finally(() => form.submit());
        return;
      }
      if (!form.matches("form[data-offline-outbox]")) return;
      // A page the phone kept (the network failed when it was opened) says the signal is weak, whatever
      // the phone believes: its forms go through the outbox too, which sends them at once if it can.
      if (navigator.onLine && !document.body.hasAttribute("data-offline-copy")) {
        if (form.dataset.outboxEditing) this.change(form.dataset.outboxEditing, null);
        // Sent as ever; marked so that, should the signal fail to carry it, the worker keeps it for
        // this outbox rather than the browser showing its error page (offline-sw.js).
        let mark = form.querySelector(`input[name="${MARK}"]`);
        if (!mark) mark = form.appendChild(element("input", { type: "hidden", name: MARK }));
        mark.value = JSON.stringify({ title: this.describe(form, event.submitter) || document.title, user: this.setup.user });
        return;
      }
      event.preventDefault();
      this.keep(form, event.submitter);
      this.sendAll();
    });
    window.addEventListener("online", () => { this.render(); this.sendAll(); });
    window.addEventListener("offline", () => this.render());
    window.addEventListener("storage", (event) => { if (event.key === this.key) this.render(); });
    setInterval(() => this.sendAll(), 30000);
  }
}

async function keepThisPage(assets) {
  const cache = await caches.open(CACHE);
  if (await cache.match(location.href)) return true;
  const registration = await navigator.serviceWorker.ready;
  return new Promise((done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => done(Boolean(event.data && event.data.kept));
    registration.active.postMessage({ keep: location.href, assets }, [channel.port2]);
    setTimeout(() => done(false), 15000);
  });
}

async function offlineReady(setup) {
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  if (location.pathname.startsWith("/gates/")) return; // the guard's pages have their own worker
  if (localStorage.getItem(PAGES_USER) !== String(setup.user)) {
    await forgetPages(); // another person's pages, or none known: none stays
    localStorage.setItem(PAGES_USER, String(setup.user));
  }
  await navigator.serviceWorker.register(setup.worker_url, { scope: "/" });
  if (!document.body.hasAttribute("data-offline-page")) return;
  const assets = [...document.querySelectorAll("link[rel=stylesheet][href], script[src]")].map((node) => node.href || node.src);
  await keepThisPage(assets);
  const cache = await caches.open(CACHE);
  if (!(await cache.match(new URL(setup.fallback_url, location.href).href))) {
    (await navigator.serviceWorker.ready).active.postMessage({ keep: new URL(setup.fallback_url, location.href).href });
  }
}

if (!setupNode) {
  // Signed out (the sign-in page): no person's pages stay on this phone.
  localStorage.removeItem(PAGES_USER);
  forgetPages();
} else {
  const setup = JSON.parse(setupNode.textContent);
  const outbox = new Outbox(setup);
  if (document.body.hasAttribute("data-offline-copy")) document.querySelectorAll("form[data-offline-outbox]").forEach(freshen);
  outbox.fillIn();
  outbox.listen();
  outbox.render();
  outbox.adoptPending().then(() => outbox.sendAll()).catch(() => null);
  offlineReady(setup)
    .catch((error) => console.info("outbox: the page is not kept for offline use", error))
    .finally(() => { document.body.dataset.offlineReady = "1"; });
  outbox.sendAll();
}
