// sync.js — end-to-end-encrypted sync in the service worker (issue 4; the
// server protocol is worker/sync/doc.go, the Go reference host/sync.go).
// The engine holds the vault key, seals, opens, checks rollback and merges;
// this file does the HTTP with fetch and keeps what changed durable.
//
// Privileged ops, handled before the engine (service.js):
//   sync.setup {server}                → {recovery_code, vault, device, server}:
//                                        a new vault; the code is returned this once
//   sync.join  {server, recovery_code} → sync.status: joins an existing vault
//   sync.run   {}                      → {version, pulled, pushed, attempts,
//                                        changed, status}: one pull-merge-push
//   sync.leave {}                      → {ok: true}: stop syncing on this device
//   sync.status {}                     → {configured, server, vault, device,
//                                        version, last_sync, pending, changes,
//                                        last_error, last_run, running, origin}
// The engine's own sync.open/seal/commit/save/load are refused from pages:
// only this file calls them, in the order that keeps them durable.
//
// The server must list this extension's origin (chrome-extension://<id>) in
// its ALLOWED_ORIGINS: the worker fetches it cross-origin under CORS (no host
// permission is asked for). A refused origin is told apart from an
// unreachable server by a second, no-cors request.
//
// One round: GET head → 404: a new vault; 200: sync.open {blob, version}
// (verify + merge in one step; on any error nothing changed) → if the merged
// state has something the head lacks: sync.seal → PUT If-Match: "<parent>" →
// 200: sync.commit; 409: start over (at most MAX_ATTEMPTS, with backoff).
//
// Durability: a merge, a seal (it collects tombstones) and a commit change
// state that cannot be replayed from the log, and the sync state (key, seen
// versions, base) must not go back: after a round that did any of them the
// store saves a snapshot and the sync state and clears the log in ONE
// transaction (Store.saveSync) before the reply is sent — also when the round
// then failed (the merge of a verified head is kept; the next round pushes).
// Setup and join save the same way before they answer (the device id lives
// in the snapshot). A failure before the merge changes nothing.
//
// Sync is manual (the manager's "Sync now", and right after turning it on or
// joining): periodic sync would need the "alarms" permission.

import { EngineError } from './engine.js';
import { toBase64, fromBase64 } from './store.js';

export const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 30_000;
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const UNCHANGED = 'Local data is unchanged.';
const sentence = (m) => (/[.!?]$/.test(m) ? m : `${m}.`);

/** SyncError is a failure to report to the user (code + readable message). */
class SyncError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

// What the engine's sync error codes mean to a person (wasm/sync.go).
const ENGINE = {
  wrong_key: 'The data on the server is sealed with another key: this device\'s recovery code does not open it.',
  wrong_vault: 'The server sent another vault\'s data.',
  rollback: 'The server sent an older version than this device has already seen (a rollback): refused.',
  forked: 'The server\'s history forked from the one this device saw: refused.',
  tampered: 'The data from the server failed its integrity check (tampered with or corrupted): refused.',
  truncated: 'The data from the server is truncated: refused.',
  malformed: 'The data from the server is not a Confidant vault: refused.',
  too_large: 'The vault is larger than this device accepts: refused.',
  version_mismatch: 'The server\'s version number does not match the sealed content: refused.',
};

/** serverURL checks a sync server address: https, or http on this computer. */
export function serverURL(text) {
  let u;
  try { u = new URL(String(text ?? '').trim()); } catch {
    throw new SyncError('bad_request', 'The server address is not a URL (e.g. https://confidant-sync.you.workers.dev).');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.includes(u.hostname))) {
    throw new SyncError('bad_request', 'The server address must start with https:// (plain http only for 127.0.0.1 or localhost).');
  }
  if (u.username || u.password || u.search || u.hash) throw new SyncError('bad_request', 'The server address may not carry a user name, a query or a fragment.');
  return u.origin + u.pathname.replace(/\/+$/, '');
}

/** Sync runs the sync ops for the Service (one instance; the store is passed per call). */
export class Sync {
  constructor(origin) {
    this.origin = origin;       // chrome-extension://<id>, for the CORS hint
    this.running = null;        // the op in flight (they never overlap)
    this.lastError = null;      // {code, message, at}
    this.lastRun = null;        // {at, pulled, pushed, version}
  }

  async handle(store, request) {
    const { op } = request;
    try {
      if (op === 'sync.status') return await this.status(store);
      if (op === 'sync.setup') return await this.#exclusive(() => this.setup(store, request));
      if (op === 'sync.join') return await this.#exclusive(() => this.join(store, request));
      if (op === 'sync.leave') return await this.#exclusive(() => this.leave(store));
      if (op === 'sync.run') return await this.#exclusive(() => this.run(store));
      return { error: { code: 'forbidden', message: `${op} is run by sync.run only` } };
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      return { error: { code: e.code, message: op === 'sync.run' || op === 'sync.status' ? sentence(e.message) : `${sentence(e.message)} Nothing was changed.` } };
    }
  }

  // #exclusive runs one op at a time (a second "Sync now" waits for the first).
  async #exclusive(fn) {
    while (this.running) await this.running.catch(() => {});
    const p = fn();
    this.running = p;
    try { return await p; } finally { if (this.running === p) this.running = null; }
  }

  // #engine calls the engine; an error reply becomes a readable SyncError.
  #engine(store, request) {
    const reply = store.engine.call(request);
    if (reply.error) throw new SyncError(reply.error.code, ENGINE[reply.error.code] ?? (reply.error.message || reply.error.code));
    return reply;
  }

  #refuseDegraded(store) {
    if (store.degraded) throw new SyncError('invalid', 'Sync is off while some stored data could not be loaded: resolve it in the Health section first.');
  }

  async status(store) {
    const st = store.engine.call({ op: 'sync.status' });
    if (st.error) return st;
    const { token, ...shown } = st;
    const meta = store.syncMeta;
    const changes = st.configured && meta?.hash ? store.engine.call({ op: 'state.hash' }).hash !== meta.hash : null;
    return { ...shown, server: meta?.server ?? null, changes, running: !!this.running,
      last_error: this.lastError, last_run: this.lastRun, origin: this.origin };
  }

  async setup(store, { server }) {
    this.#refuseDegraded(store);
    server = serverURL(server);
    await this.#probe(server);
    const reply = this.#engine(store, { op: 'sync.setup' });
    await this.#saveOrUndo(store, server);
    this.lastError = null;
    return { recovery_code: reply.recovery_code, vault: reply.vault, device: reply.device, server };
  }

  async join(store, { server, recovery_code: code }) {
    this.#refuseDegraded(store);
    server = serverURL(server);
    if (typeof code !== 'string' || !code.trim()) throw new SyncError('bad_recovery_code', 'Enter the recovery code shown when sync was turned on.');
    const reply = this.#engine(store, { op: 'sync.join', recovery_code: code });
    try {
      // The vault must exist there: a join never creates one.
      const res = await this.#fetch(server, `${server}/v1/vaults/${reply.vault}/head`, { headers: { Authorization: `Bearer ${reply.token}` } });
      if (res.status === 404) throw new SyncError('vault_not_found', `There is no vault for this recovery code on ${server}. Check the server address and the code, or turn sync on from your other device first.`);
      if (res.status !== 200) throw await serverError(res, server);
    } catch (e) {
      store.engine.call({ op: 'sync.leave' });
      throw e;
    }
    await this.#saveOrUndo(store, server);
    this.lastError = null;
    return this.status(store);
  }

  async leave(store) {
    await store.dropSync();               // durable first: a failure changes nothing
    this.#engine(store, { op: 'sync.leave' });
    this.lastError = null;
    this.lastRun = null;
    return { ok: true };
  }

  // #saveOrUndo makes a fresh setup or join durable; if that fails the
  // engine forgets the key (memory and storage agree again).
  async #saveOrUndo(store, server) {
    try {
      await store.saveSync({ server, hash: null });
    } catch (e) {
      if (!store.engine.broken) store.engine.call({ op: 'sync.leave' });
      if (e instanceof EngineError) throw e;
      throw new SyncError('internal', `Sync could not be saved (${e?.message ?? e}).`);
    }
  }

  /** run is one sync round (see the top of this file). */
  async run(store) {
    this.#refuseDegraded(store);
    const st = this.#engine(store, { op: 'sync.status' });
    const server = store.syncMeta?.server;
    if (!st.configured || !server) throw new SyncError('sync_not_configured', 'Sync is not turned on on this device.');
    const url = `${server}/v1/vaults/${st.vault}/head`;
    const auth = { Authorization: `Bearer ${st.token}` };
    const out = { version: st.version, pulled: false, pushed: false, attempts: 0, changed: 0 };
    let dirty = false, failure = null;
    try {
      let done = false;
      for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, (25 << attempt) + Math.random() * 25));
        let res = await this.#fetch(server, url, { headers: auth });
        if (res.status === 200) {
          const version = Number(res.headers.get('X-Confidant-Version'));
          if (!Number.isSafeInteger(version) || version < 1) throw new SyncError('bad_server', `The server at ${server} sent no valid version number.`);
          const blob = new Uint8Array(await res.arrayBuffer());
          const opened = this.#engine(store, { op: 'sync.open', blob: toBase64(blob), version });
          dirty = true;
          out.pulled = true;
          out.version = opened.version;
          out.changed += opened.changed;
          if (!opened.push) { done = true; break; }
        } else if (res.status !== 404) {
          throw await serverError(res, server);
        }
        const sealed = this.#engine(store, { op: 'sync.seal' });
        dirty = true;
        out.attempts++;
        res = await this.#fetch(server, url, {
          method: 'PUT', body: fromBase64(sealed.blob),
          headers: { ...auth, 'If-Match': `"${sealed.parent}"`, 'Content-Type': 'application/octet-stream' },
        });
        if (res.status === 200) {
          this.#engine(store, { op: 'sync.commit', version: sealed.version, hash: sealed.hash });
          out.version = sealed.version;
          out.pushed = true;
          done = true;
        } else if (res.status !== 409) {
          throw await serverError(res, server);
        }
      }
      if (!done) throw new SyncError('conflict', 'The server\'s copy kept changing while this device synced (other devices are syncing): try again in a moment.');
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      failure = e;
    }
    if (dirty) {
      // Saved before the reply: a merge, a seal or a commit (see the top).
      const hash = failure ? store.syncMeta?.hash ?? null : store.engine.call({ op: 'state.hash' }).hash;
      await store.saveSync({ server, hash });
    }
    const at = Date.now();
    if (failure) {
      const message = `${sentence(failure.message)} ${out.pulled ? 'What was pulled from the server was verified and merged here; the next sync pushes the rest.' : UNCHANGED}`;
      this.lastError = { code: failure.code, message, at };
      return { error: { code: failure.code, message } };
    }
    this.lastError = null;
    this.lastRun = { at, pulled: out.pulled, pushed: out.pushed, version: out.version };
    return { ...out, status: await this.status(store) };
  }

  // #probe checks that server is a Confidant sync server that allows this
  // extension (an unauthenticated request: 401 in JSON, with CORS headers).
  async #probe(server) {
    const res = await this.#fetch(server, `${server}/v1/vaults/${'0'.repeat(32)}/head`, {});
    let body = null;
    try { body = await res.json(); } catch {}
    if (res.status !== 401 || !body?.error?.code) {
      throw new SyncError('bad_server', `${server} does not answer like a Confidant sync server (HTTP ${res.status}): check the address.`);
    }
  }

  // #fetch is fetch with a timeout and readable network errors. A request
  // that fails is tried once more without CORS: if that one gets an answer,
  // the server is up but does not allow this extension's origin.
  async #fetch(server, url, init) {
    const opts = { cache: 'no-store', credentials: 'omit' };
    try {
      return await fetch(url, { ...init, ...opts, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      if (e?.name === 'TimeoutError') throw new SyncError('network', `The sync server at ${server} did not answer within ${TIMEOUT_MS / 1000} s.`);
      const reachable = await fetch(url, { ...opts, mode: 'no-cors', signal: AbortSignal.timeout(TIMEOUT_MS) }).then(() => true, () => false);
      if (reachable) throw new SyncError('origin_not_allowed', `The server at ${server} answered but does not allow this extension: add ${this.origin} to its ALLOWED_ORIGINS.`);
      throw new SyncError('network', `Could not reach the sync server at ${server} (offline, a wrong address, or the server is down).`);
    }
  }
}

// serverError turns a refusal into a readable SyncError.
async function serverError(res, server) {
  let detail = '';
  try { detail = (await res.json())?.error?.message ?? ''; } catch {}
  const tail = detail ? ` (${detail})` : '';
  const s = res.status;
  let message;
  if (s === 401 || s === 403) message = `The server at ${server} refused this vault's key (HTTP ${s})${tail}.`;
  else if (s === 404) message = `The vault is no longer on the server at ${server}${tail}.`;
  else if (s === 413) message = `The vault is larger than the server at ${server} accepts (HTTP 413)${tail}.`;
  else if (s === 429) message = `The server at ${server} is rate limiting this vault: try again in ${res.headers.get('Retry-After') ?? 'a few'} seconds.`;
  else if (s >= 500) message = `The server at ${server} failed (HTTP ${s})${tail}.`;
  else message = `The server at ${server} refused the request (HTTP ${s})${tail}.`;
  return new SyncError(s === 429 ? 'rate_limited' : 'server', message);
}
