// api.js — what every page of the extension's UI shares: the privileged op
// call, small DOM builders (text only: memories are never parsed as HTML) and
// the category list.
import { originPattern } from '../background/sites.js';

/** send runs one privileged op in the service worker and returns its reply. */
export async function send(request) {
  try {
    return (await chrome.runtime.sendMessage({ kind: 'op', request })) ?? { error: { code: 'internal', message: 'no reply' } };
  } catch (e) {
    return { error: { code: 'internal', message: String(e?.message ?? e) } };
  }
}

/** el builds an element; text goes in as textContent, never as HTML. */
export function el(tag, text = '', attrs = {}) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  return node;
}

/** button builds a type=button button. */
export const button = (text, onclick, attrs = {}) => el('button', text, { type: 'button', onclick, ...attrs });

/** say puts a message in a live region (role=status or alert). */
export function say(region, message, error = false) {
  region.textContent = message;
  region.classList.toggle('error', error);
}

/** problem renders an engine error readably. */
export const problem = (reply) => (reply?.error ? `${reply.error.message || reply.error.code}` : '');

/** Categories in the engine's display order (core/model/model.go). */
export const CATEGORIES = ['identity', 'location', 'work', 'education', 'family', 'pets', 'diet', 'health',
  'preference', 'habit', 'goal', 'plan', 'finance', 'beliefs', 'other'];
/** Categories the extractor marks sensitive (security.md): never injected without consent. */
export const SENSITIVE = ['health', 'finance', 'beliefs'];

/** day formats an RFC 3339 time or ms as a local date (and time when asked). */
export function when(t, withTime = false) {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  return withTime ? d.toLocaleString() : d.toLocaleDateString();
}

/** toBase64 / fromBase64 convert bytes for the engine's snapshot ops. */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
export function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** download saves bytes as a file through a Blob URL and an <a download>. */
export function download(data, name, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = el('a', '', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * siteAccess asks the browser for (on) or gives back (off) the host
 * permission the generic adapter needs on a site that is not built in. It
 * must be the first thing a click handler awaits: the browser asks only
 * within the user's gesture. Resolves to false when the user refuses.
 */
export async function siteAccess(host, on, builtin) {
  if (builtin) return true;
  const origins = [originPattern(host)];   // https only, except this computer (sites.js)
  if (on) return chrome.permissions.request({ origins });
  await chrome.permissions.remove({ origins }).catch(() => false);
  return true;
}
