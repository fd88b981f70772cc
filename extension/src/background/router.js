// router.js — who may send what. Two classes of message:
//   privileged  {kind: "op", request: {op, ...}}: any engine op, plus "status"
//               (the store's health); only from this extension's own pages.
//   content     {kind: "capture", site, session, turn: {id, role, text, time}}
//               {kind: "context", site, text}: narrow, schema-checked calls a
//               content script may make from a chat page.
// Anything else is refused with {error: {code: "forbidden" | "bad_request", message}}.

export const MAX_TEXT_BYTES = 64 << 10;
const MAX_ID = 256;
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
const str = (max, { bytes = false, min = 1 } = {}) => (v) => {
  if (typeof v !== 'string') return 'must be a string';
  const n = bytes ? encoder.encode(v).length : v.length;
  if (n < min) return 'must not be empty';
  if (n > max) return `must be at most ${max} ${bytes ? 'bytes' : 'characters'}`;
  return null;
};
const oneOf = (...values) => (v) => (values.includes(v) ? null : `must be one of ${values.join(', ')}`);
const isoTime = (v) => (typeof v === 'string' && v.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)) ? null : 'must be an RFC 3339 time');
const siteId = (v) => (typeof v === 'string' && /^[a-z0-9][a-z0-9.-]{0,62}$/.test(v) ? null : 'must be a site id (lowercase letters, digits, dots, dashes; at most 63)');
const shape = (fields) => (v) => (isObject(v) ? check(v, fields) : 'must be an object');

// check returns the first problem of obj against fields (all required, no others).
function check(obj, fields, path = '') {
  for (const key of Object.keys(obj)) if (!(key in fields)) return `${path}${key}: unknown field`;
  for (const [key, fn] of Object.entries(fields)) {
    if (!(key in obj)) return `${path}${key}: missing`;
    const problem = fn(obj[key]);
    if (problem) return `${path}${key}: ${problem}`;
  }
  return null;
}

const CONTENT = {
  capture: {
    kind: () => null, site: siteId, session: str(MAX_ID),
    turn: shape({ id: str(MAX_ID), role: oneOf('user', 'assistant'), text: str(MAX_TEXT_BYTES, { bytes: true }), time: isoTime }),
  },
  context: { kind: () => null, site: siteId, text: str(MAX_TEXT_BYTES, { bytes: true }) },
};

/**
 * route classifies and checks a message. It returns {refusal} or {request}:
 * the engine request (or {op: "status"}) to run once the engine is ready.
 */
export function route(message, sender, runtime) {
  if (!isObject(message) || typeof message.kind !== 'string') return { refusal: refuse('bad_request', 'a message is an object with a string "kind"') };
  if (message.kind === 'op') {
    if (!isExtensionPage(sender, runtime)) return { refusal: refuse('forbidden', 'privileged ops are accepted only from the extension\'s own pages') };
    const problem = check(message, { kind: () => null, request: (r) => (isObject(r) && typeof r.op === 'string' && r.op ? null : 'must be an object with a string "op"') });
    if (problem) return { refusal: refuse('bad_request', problem) };
    return { request: message.request };
  }
  const fields = CONTENT[message.kind];
  if (!fields) return { refusal: refuse('bad_request', `unknown message kind ${JSON.stringify(message.kind).slice(0, 40)}`) };
  if (!sender || sender.id !== runtime.id) return { refusal: refuse('forbidden', 'messages are accepted only from this extension') };
  const problem = check(message, fields);
  if (problem) return { refusal: refuse('bad_request', problem) };
  if (message.kind === 'context') return { request: { op: 'context', text: message.text } };
  // Ids are namespaced by site so that one site's page cannot replace
  // another site's turns (ingest is idempotent by id and replaces on change).
  const session = `${message.site}:${message.session}`;
  const t = message.turn;
  return {
    request: {
      op: 'ingest',
      sessions: [{ id: session, site: message.site, start: t.time }],
      turns: [{ id: `${session}:${t.id}`, session, role: t.role, text: t.text, time: t.time }],
    },
  };
}
