// The guard's page: checks a pass's signed QR token with the community's public keys and the list it
// last downloaded, WITHOUT a network; records each crossing on the phone; syncs the records when the
// network is back. Every record carries its own id, so a sync cut off half-way is sent again and the
// server keeps it once. The checks are those of selectors/checkpoints.py check_pass, in the same order.
import { check as checkPass, clock as clockIn, fill } from "./pass-check.js";

const page = document.getElementById("guard");
const setup = JSON.parse(document.getElementById("guard-setup").textContent);
const T = setup.messages;
const storeKey = `qunfang-guard-${setup.gate}`;
const KEEP_MS = 3 * 24 * 3600 * 1000; // synced records are kept this long, for "already out"

// --- what the phone keeps -------------------------------------------------------------------------------

function load() {
  try {
    const kept = JSON.parse(localStorage.getItem(storeKey) || "null");
    if (kept && kept.bundle) return kept;
  } catch (error) {
    console.warn("guard: the kept state was unreadable", error);
  }
  return { bundle: null, offset: 0, records: [] };
}

let state = load();

function save() {
  const now = Date.now();
  state.records = state.records.filter((r) => !r.synced || now - Date.parse(r.at) < KEEP_MS);
  localStorage.setItem(storeKey, JSON.stringify(state));
}

function takeBundle(bundle) {
  // A bundle is kept if it is newer than the one the phone has (a page served from the offline cache
  // carries the list of the day it was cached).
  if (state.bundle && Date.parse(state.bundle.server_time) >= Date.parse(bundle.server_time)) return;
  state.bundle = bundle;
  state.offset = Date.parse(bundle.server_time) - Date.now();
  save();
}

// The phone's clock may be wrong: the time used is the phone's corrected by its offset from the
// server's at the last download.
function now() {
  return new Date(Date.now() + (state.offset || 0));
}

function clock(moment) {
  return clockIn(moment, setup.time_zone);
}

// --- the page -------------------------------------------------------------------------------------------

const verdictBox = document.getElementById("verdict");
const temperatureInput = document.getElementById("temperature");

function direction() {
  return page.querySelector("input[name=direction]:checked").value;
}

function show(kind, headline, reason) {
  verdictBox.className = `verdict ${kind}`;
  verdictBox.querySelector(".headline").textContent = headline;
  verdictBox.querySelector(".reason").textContent = reason;
  verdictBox.hidden = false;
  verdictBox.scrollIntoView({ block: "nearest" });
}

function temperature() {
  const text = temperatureInput.value.trim();
  if (!text) return { value: null };
  const value = Number(text);
  if (!Number.isFinite(value) || value < 34 || value > 43) return { error: fill(T.bad_temperature, { value: text }) };
  return { value: Math.round(value * 10) / 10 };
}

let busy = false;

async function scanned(token) {
  if (busy || !token.trim()) return;
  busy = true;
  try {
    if (!state.bundle) return show("refused", T.refused, T.no_list);
    const reading = temperature();
    if (reading.error) return show("refused", T.refused, reading.error);
    if (reading.value === null) {
      temperatureInput.focus();
      return show("refused", T.refused, T.need_temperature);
    }
    const verdict = await checkPass(token, direction(), {
      bundle: state.bundle, records: state.records, now: now(), timeZone: setup.time_zone, messages: T,
    });
    if (!verdict.allowed) return show("refused", T.refused, verdict.reason);
    const fever = reading.value >= setup.fever;
    // A fever is never a green "let through": out, the person stays; in, she goes home and is reported.
    if (fever && direction() === "out") {
      return show("refused", fill(T.fever_headline, { value: reading.value }), `${verdict.reason} · ${T.fever_out}`);
    }
    const at = now();
    state.records.push({
      client_id: crypto.randomUUID(),
      token: token.trim(),
      pass_id: verdict.facts.i,
      holder: verdict.facts.h,
      direction: direction(),
      temperature: reading.value,
      at: at.toISOString(),
      phone_at: new Date().toISOString(),
      synced: false,
      problem: "",
    });
    save();
    temperatureInput.value = "";
    if (fever) show("fever", fill(T.fever_headline, { value: reading.value }), `${verdict.reason} · ${T.fever_in}`);
    else show("allowed", direction() === "out" ? T.allowed_out : T.allowed_in, verdict.reason);
    render();
    sync();
  } finally {
    busy = false;
  }
}

function render() {
  const pending = state.records.filter((r) => !r.synced).length;
  document.getElementById("pending").textContent = fill(T.pending, { count: pending });
  document.getElementById("network").textContent = navigator.onLine ? T.online : T.offline;
  document.getElementById("network").className = navigator.onLine ? "online" : "offline";
  if (state.bundle) {
    document.getElementById("list-time").textContent = fill(T.list_time, { time: clock(new Date(state.bundle.server_time)) });
  }
  const skew = document.getElementById("skew");
  const minutes = Math.round(Math.abs(state.offset || 0) / 60000);
  skew.hidden = minutes < 2;
  skew.textContent = fill(T.skew, { minutes });
  const list = document.getElementById("records");
  list.replaceChildren(
    ...state.records.slice(-20).reverse().map((r) => {
      const item = document.createElement("li");
      const mark = r.problem ? `⚠ ${r.problem}` : r.synced ? T.synced : T.not_synced;
      item.textContent = `${clock(new Date(r.at))} ${r.direction === "out" ? T.out : T.in} ${r.holder}` +
        `${r.temperature ? ` ${r.temperature}°C` : ""} · ${mark}`;
      item.className = r.problem ? "problem" : r.synced ? "synced" : "pending";
      return item;
    }),
  );
}

// --- sync -----------------------------------------------------------------------------------------------

let syncing = false;

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": setup.csrf },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

async function sync() {
  if (syncing) return;
  syncing = true;
  try {
    for (;;) {
      const batch = state.records.filter((r) => !r.synced).slice(0, 25);
      if (!batch.length) break;
      const answer = await post(setup.sync_url, {
        records: batch.map(({ client_id, token, direction, temperature, at, phone_at }) => ({
          client_id, token, direction, temperature, at, phone_at,
        })),
      });
      const refused = new Map(answer.refused.map((r) => [r.client_id, r.reason]));
      for (const r of state.records) {
        if (answer.stored.includes(r.client_id) || answer.already.includes(r.client_id)) r.synced = true;
        if (refused.has(r.client_id)) Object.assign(r, { synced: true, problem: refused.get(r.client_id) });
      }
      save();
    }
    await refreshList();
  } catch (error) {
    // No network, or the answer was lost: the records stay on the phone and go with the next sync.
    console.info("guard: sync postponed", error.message);
  } finally {
    syncing = false;
    render();
  }
}

async function refreshList() {
  const response = await fetch(setup.bundle_url, { credentials: "same-origin" });
  if (response.ok) takeBundle(await response.json());
}

// --- scanning: the camera, a photo, or a typed or scanner-typed token -----------------------------------

function decode(image, width, height) {
  const found = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
  return found ? found.data : null;
}

async function fromPhoto(file) {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement("canvas");
  const scale = Math.min(1, 1200 / Math.max(bitmap.width, bitmap.height));
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const token = decode(context.getImageData(0, 0, canvas.width, canvas.height), canvas.width, canvas.height);
  if (token) await scanned(token);
  else show("refused", T.refused, T.no_code);
}

let camera = null;

async function startCamera() {
  const video = document.getElementById("camera");
  camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = camera;
  video.hidden = false;
  await video.play();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let lastToken = "";
  const tick = async () => {
    if (!camera) return;
    if (video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const token = decode(context.getImageData(0, 0, canvas.width, canvas.height), canvas.width, canvas.height);
      // The same code held in front of the camera is one scan, not one a frame.
      if (token && token !== lastToken) {
        lastToken = token;
        await scanned(token);
        setTimeout(() => { lastToken = ""; }, 4000);
      }
    }
    setTimeout(tick, 250);
  };
  tick();
}

function stopCamera() {
  if (camera) camera.getTracks().forEach((track) => track.stop());
  camera = null;
  document.getElementById("camera").hidden = true;
}

document.getElementById("camera-button").addEventListener("click", () => {
  if (camera) return stopCamera();
  startCamera().catch(() => show("refused", T.refused, T.no_camera));
});
document.getElementById("photo").addEventListener("change", (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (file) fromPhoto(file).catch(() => show("refused", T.refused, T.no_code));
});
document.getElementById("typed").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = event.target.querySelector("input");
  scanned(input.value).then(() => { input.value = ""; });
});
document.getElementById("sync-button").addEventListener("click", () => sync());
window.addEventListener("online", () => sync());
window.addEventListener("offline", render);
setInterval(sync, 20000);

// The page and its scripts go into the phone's cache, so it opens again without a network; the service
// worker serves them from there when the network is gone.
const offline = [];
if ("serviceWorker" in navigator) {
  const active = navigator.serviceWorker.register(setup.worker_url, { scope: setup.worker_scope })
    .then(() => navigator.serviceWorker.ready);
  offline.push(Promise.race([active, new Promise((done) => { setTimeout(done, 15000); })]));
}
if ("caches" in window) {
  offline.push(caches.open("qunfang-guard").then(async (cache) => {
    await cache.addAll([location.href, ...setup.assets]);
    // Each release names its files anew (a hash of their content): the last release's are dropped.
    const current = new Set(setup.assets.map((name) => new URL(name, location.href).href));
    for (const kept of await cache.keys()) {
      if (new URL(kept.url).pathname.startsWith("/static/") && !current.has(kept.url)) await cache.delete(kept);
    }
  }));
}

takeBundle(setup.bundle);
render();
sync();
// Ready once the page could open again without a network: its worker active and its files kept.
Promise.allSettled(offline).then(() => { page.dataset.ready = "1"; });
