// router.js — who may send what. Two classes of message:
//   privileged  {kind: "op", request: {op, ...}}: any engine op, plus "status"
//               (the store's health); only from this extension's own pages.
//   content     {kind: "capture", session, turn: {id, role, text, time}}
//               {kind: "submit", text}: sent by the isolated world on the
//                   user's trusted submit event; remembered for SUBMIT_TTL_MS
//               {kind: "context", text, exclude?: [key]}: answered only for a
//                   remembered submit of the same text from the same tab and
//                   frame, once; without the items whose preview keys are listed
//               {kind: "preview", text, typed: true, exclude?: [key]}: the
//                   chip's look at the context while the user types (the
//                   isolated world sends it only after trusted key / paste /
//                   drop events in the composer, which the worker cannot
//                   verify); at most PREVIEW_LIMIT per PREVIEW_WINDOW_MS per
//                   tab and frame (refused with "rate_limited" beyond), so a
//                   page cannot use it as a probing oracle. The reply keeps the
//                   rendered block for the composer fallback (isolated world
//                   only): {text, items: [{key, kind, text, date}], tokens}
//               narrow, schema-checked calls a content script may make from
//               the top frame of a chat page in a normal (not incognito) tab.
//               The site is the sender's host, never the message's: an
//               optional "site" field is checked and ignored.
// Anything else is refused with {error: {code: "forbidden" | "bad_request", message}}.

export const MAX_TEXT_BYTES = 64 << 10;
const MAX_ID = 256;
export const SUBMIT_TTL_MS = 10_000;
const MAX_SUBMITS_PER_FRAME = 8;
export const PREVIEW_LIMIT = 20;
export const PREVIEW_WINDOW_MS = 10_000;
export const MAX_EXCLUDE = 32;
const MAX_KEYS = 4096;
const encoder = new TextEncoder();

const refuse = (code, message) => ({ error: { code, message } });
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** isExtensionPage reports whether a sender is one of this extension's own pages (not a content script). */
export function isExtensionPage(sender, runtime) {
  const base = runtime.getURL('');
  if (!sender || sender.id !== runtime.id || typeof sender.url !== 'string' || !sender.url.startsWith(base)) return false;
  if (sender.origin !== undefined && sender.origin !== new URL(base).origin) return false;
  // A content script's sender.url is its page's URL, so the URL check already
  // excludes it. A page of ours opened in a tab (the manager) has sender.tab
  // too — Chromium 156 sets it, with tab.url = the page's extension URL:
  // accept it only then (content scripts cannot run in chrome-extension://).
  if (sender.tab && !(typeof sender.tab.url === 'string' && sender.tab.url.startsWith(base))) return false;
  return true;
}

// Field checkers: each returns an error message or null.
const str = (max, { bytes = false, min = 1, colon = true } = {}) => (v) => {
  if (typeof v !== 'string') return 'must be a string';
  const n = bytes ? encoder.encode(v).length : v.length;
  if (n < min) return 'must not be empty';
  if (n > max) return `must be at most ${max} ${bytes ? 'bytes' : 'characters'}`;
  if (!colon && v.includes(':')) return 'must not contain ":"';
  return null;
};
const oneOf = (...values) => (v) => (values.includes(v) ? null : `must be one of ${values.join(', ')}`);
const isoTime = (v) => (typeof v === 'string' && v.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)) ? null : 'must be an RFC 3339 time');
const siteId = (v) => (typeof v === 'string' && /^[a-z0-9][a-z0-9.-]{0,62}$/.test(v) ? null : 'must be a site id (lowercase letters, digits, dots, dashes; at most 63)');
const optional = (fn) => Object.assign((v) => fn(v), { optional: true });
const shape = (fields) => (v) => (isObject(v) ? check(v, fields) : 'must be an object');

// check returns the first problem of obj against fields (all required unless optional, no others).
function check(obj, fields, path = '') {
  for (const key of Object.keys(obj)) if (!(key in fields)) return `${path}${key}: unknown field`;
  for (const [key, fn] of Object.entries(fields)) {
    if (!(key in obj)) {
      if (fn.optional) continue;
      return `${path}${key}: missing`;
    }
    const problem = fn(obj[key]);
    if (problem) return `${path}${key}: ${problem}`;
  }
  return null;
}

const id = str(MAX_ID, { colon: false });   // ids are joined with ":" below
const text = str(MAX_TEXT_BYTES, { bytes: true });
const KEY = /^[0-9a-f]{16}$/;
const keys = (v) => {
  if (!Array.isArray(v)) return 'must be an array of item keys';
  if (v.length > MAX_EXCLUDE) return `must list at most ${MAX_EXCLUDE} keys`;
  return v.every((k) => typeof k === 'string' && KEY.test(k)) ? null : 'must hold item keys (16 lowercase hex digits)';
};
const CONTENT = {
  capture: {
    kind: () => null, site: optional(siteId), session: id,
    turn: shape({ id, role: oneOf('user', 'assistant'), text, time: isoTime }),
  },
  submit: { kind: () => null, site: optional(siteId), text },
  context: { kind: () => null, site: optional(siteId), text, exclude: optional(keys) },
  preview: { kind: () => null, site: optional(siteId), text, typed: oneOf(true), exclude: optional(keys) },
};

// senderSite returns the site (host) of a content script's sender, or null
// when the sender may not make content calls at all.
function senderSite(sender, runtime) {
  if (!sender || sender.id !== runtime.id) return null;
  if (!sender.tab || typeof sender.tab !== 'object') return null;
  if (sender.frameId !== 0 || sender.tab.incognito !== false || !Number.isInteger(sender.tab.id)) return null;
  let url;
  try { url = new URL(typeof sender.origin === 'string' && sender.origin !== 'null' ? sender.origin : sender.tab.url); } catch { return null; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const site = url.hostname.toLowerCase();
  return siteId(site) === null ? site : null;
}

// Submits seen in the isolated world: "tab/frame" → [{hash, at}].
const submits = new Map();

async function sha256(s) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(s)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function pruneSubmits(now) {
  for (const [key, list] of submits) {
    const live = list.filter((s) => now - s.at <= SUBMIT_TTL_MS);
    if (live.length) submits.set(key, live); else submits.delete(key);
  }
}

// Item keys: the preview names each item by an opaque key, never by the
// engine's id (which carries the site and session). A key is 16 random hex
// digits drawn the first time this worker shows the id, kept in a bounded
// two-way table (oldest dropped first) — a random function of the id, like a
// salted hash, but synchronous and reversible without recomputing a context.
// Keys are stable while the worker lives, so an exclusion keeps applying as
// the user goes on typing. A key the table no longer holds (the worker was
// restarted, or evicted it) cannot be honoured: the context call then fails
// closed (nothing injected) rather than send an item the user removed.
const keyOf = new Map();                                 // engine id → key
const idOf = new Map();                                  // key → engine id
function keyFor(itemId) {
  let key = keyOf.get(itemId);
  if (key) return key;
  do key = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  while (idOf.has(key));
  keyOf.set(itemId, key);
  idOf.set(key, itemId);
  if (keyOf.size > MAX_KEYS) {
    const [oldId, oldKey] = keyOf.entries().next().value;
    keyOf.delete(oldId);
    idOf.delete(oldKey);
  }
  return key;
}
// excludedIds maps keys to engine ids, or null when one is unknown.
function excludedIds(list = []) {
  const ids = list.map((k) => idOf.get(k));
  return ids.every((x) => typeof x === 'string') ? [...new Set(ids)] : null;
}

const errorReply = (reply) => ({ error: { code: String(reply.error.code), message: String(reply.error.message ?? '') } });

// contextReply is what a content script gets back: the block and its items'
// kind, text and date — no ids, categories or reasons.
const contextReply = (reply) => (reply?.error
  ? errorReply(reply)
  : { text: reply.text ?? '', items: (reply.items ?? []).map(({ kind, text, date }) => ({ kind, text, date })) });

// previewReply adds each item's key (never its id) and the token count.
const previewReply = (reply) => (reply?.error
  ? errorReply(reply)
  : {
    text: reply.text ?? '',
    tokens: Number.isInteger(reply.tokens) ? reply.tokens : 0,
    items: (reply.items ?? []).map(({ id: itemId, kind, text, date }) => ({ key: keyFor(String(itemId)), kind, text, date })),
  });

// Previews per "tab/frame": [time], the last PREVIEW_WINDOW_MS.
const previews = new Map();
function previewAllowed(frame, now) {
  for (const [key, list] of previews) {
    const live = list.filter((t) => now - t < PREVIEW_WINDOW_MS);
    if (live.length) previews.set(key, live); else previews.delete(key);
  }
  const list = previews.get(frame) ?? [];
  if (list.length >= PREVIEW_LIMIT) return false;
  list.push(now);
  previews.set(frame, list);
  return true;
}

/**
 * route classifies and checks a message. It resolves to {refusal}, {reply}
 * (answered here), or {request, reshape?, site?, tab?}: the engine request
 * (or {op: "status"}) to run once the engine is ready, what to apply to its
 * reply before it goes back, and for a context call the sender's site and tab.
 * allows(site) → {ok} | {ok: false, reason} is the user's switches (pause,
 * per site): content messages from a site it refuses are refused.
 */
export async function route(message, sender, runtime, allows = () => ({ ok: true })) {
  if (!isObject(message) || typeof message.kind !== 'string') return { refusal: refuse('bad_request', 'a message is an object with a string "kind"') };
  if (message.kind === 'op') {
    if (!isExtensionPage(sender, runtime)) return { refusal: refuse('forbidden', 'privileged ops are accepted only from the extension\'s own pages') };
    const problem = check(message, { kind: () => null, request: (r) => (isObject(r) && typeof r.op === 'string' && r.op ? null : 'must be an object with a string "op"') });
    if (problem) return { refusal: refuse('bad_request', problem) };
    return { request: message.request };
  }
  const fields = CONTENT[message.kind];
  if (!fields) return { refusal: refuse('bad_request', `unknown message kind ${JSON.stringify(message.kind).slice(0, 40)}`) };
  const site = senderSite(sender, runtime);
  if (!site) return { refusal: refuse('forbidden', 'content messages are accepted only from the top frame of a web page in a normal tab') };
  const allowed = allows(site);
  if (!allowed.ok) return { refusal: refuse('forbidden', allowed.reason) };
  const problem = check(message, fields);
  if (problem) return { refusal: refuse('bad_request', problem) };
  const frame = `${sender.tab.id}/${sender.frameId}`;
  const now = Date.now();
  if (message.kind === 'submit') {
    const hash = await sha256(message.text);
    pruneSubmits(now);
    const list = submits.get(frame) ?? [];
    list.push({ hash, at: now });
    if (list.length > MAX_SUBMITS_PER_FRAME) list.shift();
    submits.set(frame, list);
    return { reply: { ok: true } };
  }
  if (message.kind === 'preview') {
    if (!previewAllowed(frame, now)) return { refusal: refuse('rate_limited', `at most ${PREVIEW_LIMIT} previews per ${PREVIEW_WINDOW_MS / 1000} s`) };
    const exclude = excludedIds(message.exclude);
    if (!exclude) return { refusal: refuse('stale', 'an excluded item is no longer known: preview again') };
    return { request: { op: 'context', text: message.text, ...(exclude.length && { exclude }) }, reshape: previewReply };
  }
  if (message.kind === 'context') {
    // Before the submit is consumed: an exclusion that cannot be honoured
    // refuses (nothing is injected) and the submit stays for nothing else.
    const exclude = excludedIds(message.exclude);
    if (!exclude) return { refusal: refuse('stale', 'an item removed in the preview is no longer known (the worker restarted): nothing is injected') };
    const hash = await sha256(message.text);
    pruneSubmits(Date.now());
    const list = submits.get(frame) ?? [];
    const i = list.findIndex((s) => s.hash === hash);
    if (i < 0) return { refusal: refuse('forbidden', 'context is given only for a prompt the user just submitted in this tab') };
    list.splice(i, 1);                                   // once
    if (!list.length) submits.delete(frame);
    return { request: { op: 'context', text: message.text, ...(exclude.length && { exclude }) }, reshape: contextReply, site, tab: sender.tab.id };
  }
  // Ids are namespaced by site (the sender's host) so that one site's page
  // cannot replace another site's turns (ingest is idempotent by id and
  // replaces on change); ids may not contain ":" so the namespaces cannot overlap.
  const session = `${site}:${message.session}`;
  const t = message.turn;
  return {
    request: {
      op: 'ingest',
      sessions: [{ id: session, site, start: t.time }],
      turns: [{ id: `${session}:${t.id}`, session, role: t.role, text: t.text, time: t.time }],
    },
  };
}
