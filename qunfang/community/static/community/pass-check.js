// Checking a pass's signed token on the guard's phone, with nothing but what the phone keeps: the
// community's public keys, the revoked passes and the last crossings it downloaded, and its own
// records. The checks and their order are those of selectors/checkpoints.py check_pass. A pure module
// (no page, no storage), so the benchmark measures it alone.
import * as noble from "../vendor/noble-ed25519-3.2.0/index.min.js";

export function dayOf(moment, timeZone) {
  // The community's calendar day, whatever the phone's time zone.
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(moment);
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function clock(moment, timeZone) {
  const parts = new Intl.DateTimeFormat("zh-CN", {
    timeZone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(moment);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

export function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (_m, name) => values[name]);
}

function unbase64(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

const importedKeys = new Map(); // a key is imported once, not on every scan

async function signatureHolds(publicKey, signature, message) {
  try {
    let key = importedKeys.get(publicKey);
    if (!key) {
      key = await crypto.subtle.importKey("raw", unbase64(publicKey), { name: "Ed25519" }, false, ["verify"]);
      importedKeys.set(publicKey, key);
    }
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch (error) {
    // Older phone browsers have no Ed25519 in WebCrypto: the vendored pure-JS verifier instead.
    if (error.name !== "NotSupportedError" && error.name !== "DataError") throw error;
    return noble.verifyAsync(signature, message, unbase64(publicKey));
  }
}

function lastOf(passId, bundle, records) {
  // The pass's last crossing and last exit, from this phone's records and the downloaded list.
  const known = bundle.last[passId] || {};
  let last = known.at ? { direction: known.d, at: known.at } : null;
  let lastExit = known.out || null;
  for (const r of records) {
    if (r.pass_id !== passId || r.problem) continue;
    if (!last || r.at > last.at) last = { direction: r.direction, at: r.at };
    if (r.direction === "out" && (!lastExit || r.at > lastExit)) lastExit = r.at;
  }
  return { last, lastExit };
}

// { allowed, reason, facts }: may the pass's holder go `direction` ("out" or "in") now?
export async function check(token, direction, { bundle, records, now, timeZone, messages: T }) {
  const parts = token.trim().split(".");
  let facts;
  try {
    if (parts.length !== 3 || parts[0] !== "QF1") throw new Error("not a pass");
    facts = JSON.parse(new TextDecoder().decode(unbase64(parts[1])));
  } catch (error) {
    return { allowed: false, reason: T.forged };
  }
  if (facts.c !== bundle.community.id) return { allowed: false, reason: T.other_community, facts };
  const key = bundle.keys.find((k) => k.community === facts.c && k.version === facts.k);
  const message = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  if (!key || !(await signatureHolds(key.key, unbase64(parts[2]), message))) {
    return { allowed: false, reason: T.forged };
  }
  const today = dayOf(now, timeZone);
  if (today < facts.f) return { allowed: false, reason: fill(T.not_yet, { day: facts.f }), facts };
  if (today > facts.u) return { allowed: false, reason: fill(T.expired, { day: facts.u }), facts };
  if (bundle.revoked.includes(facts.i)) return { allowed: false, reason: T.revoked, facts };
  const quarantined = (bundle.quarantined || {})[String(facts.i)];
  if (direction === "out" && quarantined) {
    return { allowed: false, reason: fill(T.quarantined, { names: quarantined.join("、") }), facts };
  }
  const { last, lastExit } = lastOf(facts.i, bundle, records);
  if (direction === "out" && last && last.direction === "out") {
    return { allowed: false, reason: fill(T.already_out, { time: clock(new Date(last.at), timeZone) }), facts };
  }
  if (direction === "out" && facts.e && lastExit) {
    const lastDay = dayOf(new Date(lastExit), timeZone);
    const nextDay = addDays(lastDay, facts.e);
    if (today < nextDay) {
      return { allowed: false, reason: fill(T.too_soon, { last: lastDay, next: nextDay }), facts };
    }
  }
  return { allowed: true, reason: fill(T.valid, { holder: facts.h }), facts };
}
