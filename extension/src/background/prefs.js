// prefs.js — the user's switches (a global pause, on/off per site) and a
// short record of what was injected, per tab, in their own IndexedDB
// database "confidant-prefs" (apart from the engine's "confidant" store, so
// neither schema's upgrades touch the other; never chrome.storage).
//
// Database "confidant-prefs", version 1:
//   prefs       "switches" → {paused: bool, sites: {host: bool}}
//   injections  autoincrement → {tab, site, at, items: [{kind, text, date}]},
//               at most MAX_INJECTIONS records in total over all tabs (the
//               oldest dropped first); a tab's records are dropped when the
//               tab closes (dropTab, from chrome.tabs.onRemoved in sw.js)
//
// A site the user never set is on when it is one of the built-in chat sites
// and off otherwise (the generic adapter runs only where the user enables it:
// turning on another host needs its host permission, and registers the
// content scripts for it — see sites.js). Other hosts work over https only,
// except this computer (127.0.0.1, localhost: see sites.js's LOOPBACK).
// Every change is broadcast to the open tabs (sites.js's broadcastState), so
// that content scripts on a site just paused or turned off go inert at once.
//
// Privileged ops (extension pages only; see router.js):
//   prefs.get                        → {paused, sites, builtin: [host]}
//   prefs.set   paused?, sites?      → same (sites: {host: true|false|null};
//                                       null forgets the host's setting)
//   injected.get  tab                → {injections: [{site, at, items}]} newest first

import { hasAccess, reconcile, broadcastState, isLoopback } from './sites.js';
import { STRICT, done, result } from './idb.js';

const DB = 'confidant-prefs', VERSION = 1;

/** Hosts whose adapters ship in the manifest: on unless the user turns them off. */
export const BUILTIN_SITES = Object.freeze([
  'chatgpt.com', 'chat.openai.com', 'claude.ai', 'www.perplexity.ai',
  'chat.deepseek.com', 'grok.com', 'gemini.google.com',
]);

/** The injection record keeps this many entries in total, over all tabs (the popup shows the current tab's). */
export const MAX_INJECTIONS = 200;
const MAX_SITES = 1000;
const HOST = /^[a-z0-9][a-z0-9.-]{0,62}$/;

export const PREF_OPS = new Set(['prefs.get', 'prefs.set', 'injected.get']);

const invalid = (message) => ({ error: { code: 'invalid', message } });
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function openPrefsDB() {
  const req = indexedDB.open(DB, VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('prefs')) db.createObjectStore('prefs');
    if (!db.objectStoreNames.contains('injections')) db.createObjectStore('injections', { autoIncrement: true });
  };
  return result(req);
}

/** Prefs holds the switches in memory (read once at start) and writes them through. */
export class Prefs {
  static async open() {
    const db = await openPrefsDB();
    const stored = await result(db.transaction('prefs').objectStore('prefs').get('switches'));
    const prefs = new Prefs(db, stored);
    await prefs.#reconcile();
    return prefs;
  }

  // #reconcile makes the run-time content scripts match the switches; a
  // failure is logged, not fatal (the router still refuses disabled sites).
  async #reconcile() {
    try {
      await reconcile(this.#added());
    } catch (e) {
      console.error('confidant: content script registration failed', e);
    }
  }

  // #added lists the non-built-in hosts the user turned on.
  #added() {
    return Object.entries(this.sites).filter(([host, on]) => on && !BUILTIN_SITES.includes(host)).map(([host]) => host);
  }

  constructor(db, stored) {
    this.db = db;
    this.paused = stored?.paused === true;
    this.sites = isObject(stored?.sites) ? { ...stored.sites } : {};
  }

  /** allows says whether content calls from site are accepted now: {ok} or {ok: false, reason}. */
  allows(site) {
    if (this.paused) return { ok: false, reason: 'Confidant is paused' };
    const on = this.sites[site] ?? BUILTIN_SITES.includes(site);
    return on ? { ok: true } : { ok: false, reason: `Confidant is off on ${site}` };
  }

  view() {
    return { paused: this.paused, sites: { ...this.sites }, builtin: [...BUILTIN_SITES] };
  }

  /** handle runs one of PREF_OPS. */
  async handle(request) {
    switch (request.op) {
      case 'prefs.get': return this.view();
      case 'prefs.set': return this.#set(request);
      case 'injected.get': return this.#injected(request);
      default: return { error: { code: 'bad_request', message: `unknown op ${request.op}` } };
    }
  }

  async #set(request) {
    for (const key of Object.keys(request)) if (!['op', 'paused', 'sites'].includes(key)) return { error: { code: 'bad_request', message: `${key}: unknown field` } };
    if ('paused' in request && typeof request.paused !== 'boolean') return invalid('paused must be true or false');
    const sites = { ...this.sites };
    if ('sites' in request) {
      if (!isObject(request.sites)) return invalid('sites must be an object of host → true, false or null');
      for (const [host, on] of Object.entries(request.sites)) {
        if (!HOST.test(host)) return invalid(`sites: ${JSON.stringify(host).slice(0, 70)} is not a host name (lowercase letters, digits, dots, dashes)`);
        if (on === null) delete sites[host];
        else if (typeof on === 'boolean') sites[host] = on;
        else return invalid(`sites.${host} must be true, false or null`);
        if (on === true && !BUILTIN_SITES.includes(host) && this.sites[host] !== true && !(await hasAccess(host))) {
          return { error: { code: 'permission', message: isLoopback(host)
            ? `Confidant may not read ${host} yet: allow it when the browser asks (turn the site on from the popup or the manager)`
            : `Confidant may not read https://${host} yet: allow it when the browser asks (turn the site on from the popup or the manager). Sites other than this computer (localhost, 127.0.0.1) work over https only` } };
        }
      }
      if (Object.keys(sites).length > MAX_SITES) return invalid(`at most ${MAX_SITES} sites can have a setting`);
    }
    const paused = 'paused' in request ? request.paused : this.paused;
    const tx = this.db.transaction('prefs', 'readwrite', STRICT);
    tx.objectStore('prefs').put({ paused, sites }, 'switches');
    await done(tx);                          // durable before it takes effect
    this.paused = paused;
    this.sites = sites;
    await this.#reconcile();
    broadcastState().catch(() => {});        // open pages update at once (best effort)
    return this.view();
  }

  /** record keeps what was injected in a tab (the items a content script received). */
  async record(tab, site, items) {
    if (!items.length) return;
    const tx = this.db.transaction('injections', 'readwrite');
    const os = tx.objectStore('injections');
    os.add({ tab, site, at: Date.now(), items: items.map(({ kind, text, date }) => ({ kind, text, date })) });
    const count = os.count();
    count.onsuccess = () => {
      let extra = count.result - MAX_INJECTIONS;
      if (extra <= 0) return;
      const cursor = os.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c || extra-- <= 0) return;
        c.delete();
        c.continue();
      };
    };
    await done(tx);
  }

  /** clearInjections forgets every injection record (the user deleted everything). */
  async clearInjections() {
    const tx = this.db.transaction('injections', 'readwrite', STRICT);
    tx.objectStore('injections').clear();
    await done(tx);
  }

  /** dropTab forgets what was injected in a tab (it was closed). */
  async dropTab(tab) {
    if (!Number.isInteger(tab)) return;
    const tx = this.db.transaction('injections', 'readwrite');
    const cursor = tx.objectStore('injections').openCursor();
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c) return;
      if (c.value?.tab === tab) c.delete();
      c.continue();
    };
    await done(tx);
  }

  async #injected(request) {
    for (const key of Object.keys(request)) if (!['op', 'tab'].includes(key)) return { error: { code: 'bad_request', message: `${key}: unknown field` } };
    if (!Number.isInteger(request.tab) || request.tab < 0) return invalid('tab must be a tab id (a non-negative integer)');
    const all = await result(this.db.transaction('injections').objectStore('injections').getAll());
    const injections = all.filter((r) => r.tab === request.tab).reverse().map(({ site, at, items }) => ({ site, at, items }));
    return { injections };
  }
}
