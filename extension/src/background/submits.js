// submits.js — the user's submits as the isolated world reports them (kind
// "submit"), per tab and frame, so that a context call is answered only for a
// prompt the user just submitted there, once. Texts are kept as SHA-256
// hashes, for SUBMIT_TTL_MS, at most MAX_SUBMITS_PER_FRAME per frame.

/**
 * SUBMIT_TTL_MS is how long a submit can be matched by a context call. The
 * isolated world has its own constant of the same name and value
 * (content/adapter-kit.js, kit.SUBMIT_TTL_MS): how long a submitted prompt's
 * block waits for the outgoing request that carries it. The two sides cannot
 * share a module (content scripts are classic scripts); a test checks that
 * they are equal.
 */
export const SUBMIT_TTL_MS = 10_000;
const MAX_SUBMITS_PER_FRAME = 8;
const encoder = new TextEncoder();

const submits = new Map();                               // "tab/frame" → [{hash, at}]

export async function sha256(s) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(s)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function prune(now) {
  for (const [key, list] of submits) {
    const live = list.filter((s) => now - s.at <= SUBMIT_TTL_MS);
    if (live.length) submits.set(key, live); else submits.delete(key);
  }
}

/** remember records a submit of text in frame ("tab/frame"). */
export async function remember(frame, text) {
  const hash = await sha256(text);
  const now = Date.now();
  prune(now);
  const list = submits.get(frame) ?? [];
  list.push({ hash, at: now });
  if (list.length > MAX_SUBMITS_PER_FRAME) list.shift();
  submits.set(frame, list);
}

/** consume takes a live submit of text in frame: true once per submit. */
export async function consume(frame, text) {
  const hash = await sha256(text);
  prune(Date.now());
  const list = submits.get(frame) ?? [];
  const i = list.findIndex((s) => s.hash === hash);
  if (i < 0) return false;
  list.splice(i, 1);
  if (!list.length) submits.delete(frame);
  return true;
}
