// sites.js — the generic adapter on sites the user turns on. Built-in chat
// sites get their content scripts from the manifest; any other host the user
// enables gets the same two entries (isolated world + MAIN world) registered
// at run time with chrome.scripting, under the host permission the user
// granted for it (optional_host_permissions: the browser asks when the user
// turns a site on in the popup or the manager). Registrations persist across
// browser restarts; reconcile() makes them match the switches on every
// worker start and after every change.

/** originPattern is the match pattern (and permission) for one host, http and https. */
export const originPattern = (host) => `*://${host}/*`;
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
  const have = (await chrome.scripting.getRegisteredContentScripts()).map((s) => s.id).filter((id) => id.startsWith('confidant-'));
  const stale = have.filter((id) => !want.has(id));
  if (stale.length) await chrome.scripting.unregisterContentScripts({ ids: stale });
  const missing = [...want.values()].filter((s) => !have.includes(s.id));
  if (missing.length) await chrome.scripting.registerContentScripts(missing);
  return [...new Set([...want.keys()].map((id) => id.slice(id.indexOf(':') + 1)))];
}
