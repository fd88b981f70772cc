// router.js — who may send what. Two classes of message:
//   privileged  {kind: "op", request: {op, ...}}: any engine op, plus "status"
//               (the store's health); only from this extension's own pages.
//   content     narrow, schema-checked calls (schema.js) a content script may
//               make from the top frame of a chat page in a normal (not
//               incognito) tab, over https (or plain http on this computer:
//               127.0.0.1, localhost; see sites.js's LOOPBACK). The site is the sender's host,
//               never the message's: an optional "site" field is checked and
//               ignored.
//               {kind: "state"} → {on}: whether Confidant works on the
//                   sender's site now (the switches); answered even when off,
//                   so that the content scripts stay inert there. The worker
//                   tells open tabs to ask again when the switches change
//                   ({kind: "confidant:state"}, see prefs.js).
//               The others are refused while the site is off or paused:
//               {kind: "capture", session, turn: {id, role, text, time}}
//               {kind: "submit", text}: sent by the isolated world on the
//                   user's trusted submit event; remembered for SUBMIT_TTL_MS
//                   (submits.js)
//               {kind: "context", text, exclude?: [key]}: answered only for a
//                   remembered submit of the same text from the same tab and
//                   frame, once; without the items whose preview keys are
//                   listed (keys.js)
//               {kind: "preview", text, typed: true, exclude?: [key]}: the
//                   chip's look at the context while the user types (the
//                   isolated world sends it only after trusted key / paste /
//                   drop events in the composer, which the worker cannot
//                   verify). The reply keeps the rendered block for the
//                   composer fallback (isolated world only):
//                   {text, items: [{key, kind, text, date}], tokens}
//               Rate limits (limits.js), refused with "rate_limited": at most
//               PREVIEW_LIMIT previews per PREVIEW_WINDOW_MS per tab and frame
//               (so a page cannot use previews as a probing oracle), and
//               SUBMIT_LIMIT submits and as many context calls per
//               SUBMIT_WINDOW_MS per tab.
// Anything else is refused with {error: {code: "forbidden" | "bad_request", message}}.

import { CONTENT, OP, check, isObject, siteId } from './schema.js';
import { SUBMIT_TTL_MS, remember, consume } from './submits.js';
import { keyFor, excludedIds } from './keys.js';
import { RateLimit } from './limits.js';
import { LOOPBACK } from './sites.js';

export { MAX_TEXT_BYTES, MAX_EXCLUDE } from './schema.js';
export { SUBMIT_TTL_MS };
export const PREVIEW_LIMIT = 20;
export const PREVIEW_WINDOW_MS = 10_000;
export const SUBMIT_LIMIT = 30;
export const SUBMIT_WINDOW_MS = 60_000;


const previews = new RateLimit(PREVIEW_LIMIT, PREVIEW_WINDOW_MS);      // "tab/frame"
const submitCalls = new RateLimit(SUBMIT_LIMIT, SUBMIT_WINDOW_MS);      // tab
const contextCalls = new RateLimit(SUBMIT_LIMIT, SUBMIT_WINDOW_MS);     // tab

const refuse = (code, message) => ({ error: { code, message } });

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

// senderSite returns the site (host) of a content script's sender, or null
// when the sender may not make content calls at all.
function senderSite(sender, runtime) {
  if (!sender || sender.id !== runtime.id) return null;
  if (!sender.tab || typeof sender.tab !== 'object') return null;
  if (sender.frameId !== 0 || sender.tab.incognito !== false || !Number.isInteger(sender.tab.id)) return null;
  let url;
  try { url = new URL(typeof sender.origin === 'string' && sender.origin !== 'null' ? sender.origin : sender.tab.url); } catch { return null; }
  const site = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.includes(site))) return null;
  return siteId(site) === null ? site : null;               // (so never [::1]: the switches take host names only)
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

/**
 * route classifies and checks a message. It resolves to {refusal}, {reply}
 * (answered here), or {request, reshape?, site?, tab?}: the engine request
 * (or {op: "status"}) to run once the engine is ready, what to apply to its
 * reply before it goes back, and for a context call the sender's site and tab.
 * allows(site) → {ok} | {ok: false, reason} is the user's switches (pause,
 * per site): content messages from a site it refuses are refused (but
 * "state", which reports it).
 */
export async function route(message, sender, runtime, allows = () => ({ ok: true })) {
  if (!isObject(message) || typeof message.kind !== 'string') return { refusal: refuse('bad_request', 'a message is an object with a string "kind"') };
  if (message.kind === 'op') {
    if (!isExtensionPage(sender, runtime)) return { refusal: refuse('forbidden', 'privileged ops are accepted only from the extension\'s own pages') };
    const problem = check(message, OP);
    if (problem) return { refusal: refuse('bad_request', problem) };
    return { request: message.request };
  }
  const fields = Object.hasOwn(CONTENT, message.kind) ? CONTENT[message.kind] : null;
  if (!fields) return { refusal: refuse('bad_request', `unknown message kind ${JSON.stringify(message.kind).slice(0, 40)}`) };
  const site = senderSite(sender, runtime);
  if (!site) return { refusal: refuse('forbidden', 'content messages are accepted only from the top frame of an https page (or http on this computer) in a normal tab') };
  const allowed = allows(site);
  if (message.kind === 'state') {
    const problem = check(message, fields);
    if (problem) return { refusal: refuse('bad_request', problem) };
    return { reply: { on: allowed.ok === true } };
  }
  if (!allowed.ok) return { refusal: refuse('forbidden', allowed.reason) };
  const problem = check(message, fields);
  if (problem) return { refusal: refuse('bad_request', problem) };
  const tab = String(sender.tab.id);
  const frame = `${sender.tab.id}/${sender.frameId}`;
  if (message.kind === 'submit') {
    if (!submitCalls.take(tab)) return { refusal: refuse('rate_limited', submitCalls.describe('submits')) };
    await remember(frame, message.text);
    return { reply: { ok: true } };
  }
  if (message.kind === 'preview') {
    if (!previews.take(frame)) return { refusal: refuse('rate_limited', previews.describe('previews')) };
    const exclude = excludedIds(message.exclude);
    if (!exclude) return { refusal: refuse('stale', 'an excluded item is no longer known: preview again') };
    return { request: { op: 'context', text: message.text, ...(exclude.length && { exclude }) }, reshape: previewReply };
  }
  if (message.kind === 'context') {
    if (!contextCalls.take(tab)) return { refusal: refuse('rate_limited', contextCalls.describe('context calls')) };
    // Before the submit is consumed: an exclusion that cannot be honoured
    // refuses (nothing is injected) and the submit stays for nothing else.
    const exclude = excludedIds(message.exclude);
    if (!exclude) return { refusal: refuse('stale', 'an item removed in the preview is no longer known (the worker restarted): nothing is injected') };
    if (!(await consume(frame, message.text))) return { refusal: refuse('forbidden', 'context is given only for a prompt the user just submitted in this tab') };
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
