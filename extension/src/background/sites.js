// sites.js — the generic adapter on sites the user turns on. Built-in chat
// sites get their content scripts from the manifest; any other host the user
// enables gets the same two entries (isolated world + MAIN world) registered
// at run time with chrome.scripting, under the host permission the user
// granted for it (optional_host_permissions: the browser asks when the user
// turns a site on in the popup or the manager). Registrations persist across
// browser restarts; reconcile() makes them match the switches on every
// worker start and after every change.
//
// Over https only: a page served over plain http can be rewritten by anyone on
// the network path, who would then be the "page" that sees injected memories.
// The exception is this computer (LOOPBACK: local model servers, and the
// tests), reached over http and https; the manifest's optional host
// permissions offer exactly https://*/* plus http://127.0.0.1/* and
// http://localhost/*.

/**
 * Hosts served from this computer: the only ones Confidant works on over plain
 * http. ([::1] is loopback too, but the switches take host names only, so it
 * cannot be turned on.)
 */
export const LOOPBACK = Object.freeze(['127.0.0.1', 'localhost', '[::1]']);

/** isLoopback reports whether host is served from this computer. */
export const isLoopback = (host) => LOOPBACK.includes(host);

/** originPattern is the match pattern (and permission) for one host: https only, but http and https on loopback. */
export const originPattern = (host) => (isLoopback(host) ? `*://${host}/*` : `https://${host}/*`);
const ID = (world, host) => `confidant-${world}:${host}`;

/** hasAccess reports whether the user granted the host permission for host. */
export async function hasAccess(host) {
  if (!globalThis.chrome?.permissions) return false;
  return chrome.permissions.contains({ origins: [originPattern(host)] });
}

/**
 * reconcile registers the content scripts for every host in `on` (that has
 * its permission) and unregisters every other registration of ours.
 * Returns the hosts whose scripts are registered.
 */
export async function reconcile(on) {
  if (!globalThis.chrome?.scripting?.registerContentScripts) return [];
  const [isolated, main] = chrome.runtime.getManifest().content_scripts;
  const want = new Map();
  for (const host of on) {
    if (!(await hasAccess(host))) continue;
    const matches = [originPattern(host)];
    want.set(ID('isolated', host), { id: ID('isolated', host), js: isolated.js, matches, runAt: 'document_start' });
    want.set(ID('main', host), { id: ID('main', host), js: main.js, matches, runAt: 'document_start', world: 'MAIN' });
  }
  const registered = (await chrome.scripting.getRegisteredContentScripts()).filter((s) => s.id.startsWith('confidant-'));
  // A registration whose matches changed (an older build registered *://host/*) is replaced.
  const same = (s) => want.has(s.id) && JSON.stringify(s.matches) === JSON.stringify(want.get(s.id).matches);
  const stale = registered.filter((s) => !same(s)).map((s) => s.id);
  if (stale.length) await chrome.scripting.unregisterContentScripts({ ids: stale });
  const kept = registered.filter(same).map((s) => s.id);
  const missing = [...want.values()].filter((s) => !kept.includes(s.id));
  if (missing.length) await chrome.scripting.registerContentScripts(missing);
  return [...new Set([...want.keys()].map((id) => id.slice(id.indexOf(':') + 1)))];
}

/**
 * broadcastState tells every open tab's content scripts that the switches
 * changed ({kind: "confidant:state"}); they ask for their site's state again
 * (kind "state"). Tab ids need no permission; tabs without our content
 * scripts refuse the message, which is ignored.
 */
export async function broadcastState() {
  if (!globalThis.chrome?.tabs?.query) return;
  let tabs = [];
  try { tabs = await chrome.tabs.query({}); } catch { return; }
  await Promise.all(tabs.filter((t) => Number.isInteger(t.id) && t.id >= 0)
    .map((t) => chrome.tabs.sendMessage(t.id, { kind: 'confidant:state' }).catch(() => {})));
}
