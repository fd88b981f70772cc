// store.js — durability in the extension origin's IndexedDB (never
// chrome.storage: content scripts can read it).
//
// Database "confidant", version 1:
//   snapshot  out-of-line keys: "latest" → {bytes: ArrayBuffer, at: ms}, the
//             engine's local snapshot (snapshot_export, with analysed terms);
//             "quarantine" (then "quarantine:<ms>") → {bytes, log, at, error}:
//             the snapshot (or null) and a copy of every log record as they
//             were when a restore failed (snapshot import or any replay).
//             "sync" → {state: base64, server, hash, at}: the engine's sync
//             state (sync.save: vault key, seen versions, base; see
//             sync.js), the server's URL and the state hash at the last
//             completed sync; loaded with sync.load by restore. In the same
//             object store as "latest" so that both change in ONE
//             transaction (Store.saveSync) — no schema change, no version bump.
//   log       autoincrement keys → {json: string, at: ms}: every mutating
//             request applied since "latest", in the order it was applied.
//
// State = import(latest) then replay(log in key order). A mutating request's
// log record is committed (durability "strict") before its reply is sent; if
// that commit fails the engine, which already applied the change, is marked
// broken and rebuilt from the database. Compaction exports a snapshot and,
// in ONE readwrite transaction over both stores, puts it and clears the log:
// an interrupted compaction leaves the old snapshot and the full log, or the
// new snapshot and an empty log — never half.
//
// Degraded mode: while a quarantine record exists the in-memory state may be
// partial (a snapshot was unreadable or a record did not replay), so
// compaction never runs — it would persist the partial state and clear the
// log. The status op reports it; the log only grows until the user resolves it.
//
// Imports from other tools (import.begin / feed / end / cancel, wasm/ops.go):
// begin and feed only stage inside the engine — nothing changed yet, nothing
// is logged. import.end applies the staged records at once, and cannot be
// replayed from the log (its input was the fed chunks): before it is
// acknowledged the store exports a full snapshot and, in ONE transaction,
// puts it and clears the log (as compaction does). If that fails, the engine
// (which holds the import) is marked broken and rebuilt from the database:
// the import is reported as not done and the profile is as before. Staged
// records are not part of the engine's state, so a compaction while an import
// is open never saves any of them. While degraded, imports are refused (their
// snapshot would persist the partial state); a check import (check: true)
// applies nothing and saves nothing.
//
// Sync (sync.js): a merge, a seal or a commit, and a setup or join, cannot be
// replayed from the log: like an applied import, Store.saveSync exports a
// snapshot and the sync state and, in ONE transaction, puts both and clears
// the log before the op is acknowledged; if that fails the engine is marked
// broken and rebuilt from the database (the sync is reported as not done).
// sync.leave deletes the "sync" record first, then the engine forgets the
// key. A sync state that does not load is reported and kept (not deleted).
//
// Resolving it (privileged ops, from the manager's Health section):
//   store.quarantine.get    → {records: [{key, at, kind, error, snapshot:
//                             base64|null, log: [{json, at}]}]}: everything
//                             kept, to download before resolving
//   store.quarantine.clear  → {ok: true, removed: n}: "keep the current
//                             state": deletes every quarantine record in ONE
//                             transaction, leaves degraded mode (compaction
//                             is on again) and compacts (the current state
//                             becomes the snapshot; the log is cleared).

import { EngineError } from './engine.js';
import { STRICT, done, result } from './idb.js';

const DB = 'confidant', VERSION = 1;

/**
 * Compact when the log holds more than MAX_LOG_ENTRIES records or more than
 * MAX_LOG_BYTES of requests. Replay is the part of a cold start that grows
 * with the log: measured in Chromium, replay costs ~75 ms per 1,000 turns of
 * ingest (~0.4 ms/KiB of request). 200 single-turn captures replay in well
 * under 100 ms, and the snapshot write (export + one IndexedDB put of a few
 * MB at 10k turns) then happens at most once per 200 mutations. The byte cap
 * bounds large records (batch ingests, imports) the same way: 256 KiB is
 * ~100 ms of replay at most.
 */
export const MAX_LOG_ENTRIES = 200;
export const MAX_LOG_BYTES = 256 << 10;

/** Ops that change the engine's state: logged before they are acknowledged. */
export const MUTATING = new Set(['ingest', 'facts.edit', 'facts.pin', 'facts.delete', 'forget', 'settings.set', 'snapshot.import']);

/**
 * Imports of a whole Confidant export (import.json, import.age: merges) are
 * not logged — the request carries the whole file (up to ~47 MiB), and
 * import.age its passphrase, which is never stored. Like import.end, an
 * applied one is saved as a snapshot (the log cleared, in ONE transaction)
 * before it is acknowledged, and it is refused while degraded.
 */
const WHOLE_IMPORTS = new Set(['import.json', 'import.age']);


export function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const describe = (q) => ({ at: q.at, error: q.error, size: q.bytes?.byteLength ?? 0, log: q.log?.length ?? 0 });

/** openDB opens (creating on first use) the extension's database. */
export function openDB(name = DB) {
  const req = indexedDB.open(name, VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('snapshot')) db.createObjectStore('snapshot');
    if (!db.objectStoreNames.contains('log')) db.createObjectStore('log', { autoIncrement: true });
  };
  return result(req);
}

/**
 * readStored reads what restore needs in one read-only transaction: the
 * snapshot, the quarantine, the log and its keys, the records to skip and the
 * sync record. The service worker starts it together with compiling the
 * engine module, so the read costs a cold start nothing.
 */
export async function readStored(db) {
  const t = performance.now();
  const tx = db.transaction(['snapshot', 'log'], 'readonly');
  const [latest, quarantine, log, keys, skip, sync] = await Promise.all([
    result(tx.objectStore('snapshot').get('latest')),
    result(tx.objectStore('snapshot').get('quarantine')),
    result(tx.objectStore('log').getAll()),
    result(tx.objectStore('log').getAllKeys()),
    result(tx.objectStore('snapshot').get('skip')),
    result(tx.objectStore('snapshot').get('sync')),
  ]);
  return { latest, quarantine, log, keys, skip, sync, read_ms: performance.now() - t };
}

/** Store keeps one engine durable. */
export class Store {
  constructor(db, engine) {
    this.db = db;
    this.engine = engine;
    this.entries = 0;          // log records since the snapshot
    this.bytes = 0;
    this.compactions = 0;
    this.errors = [];          // surfaced through the status op
    this.quarantined = null;
    this.timings = {};
    this.compacting = null;
    this.degraded = null;      // {reason, at}: compaction is off (see above)
    this.checks = new Set();   // open check imports (parse only)
    this.imports = 0;          // imports applied and saved
    this.syncMeta = null;      // {server, hash, at} of the "sync" record
  }

  /**
   * restore loads the latest snapshot and replays the log. If the snapshot
   * does not load (error reply or a throw) or any record fails to replay, the
   * snapshot and a copy of the log go to the quarantine in one transaction and
   * the store enters degraded mode. A throw from the engine is rethrown after
   * the quarantine (the engine is broken; the caller starts a fresh one, which
   * then finds no snapshot to retry). stored is readStored's result (a
   * promise of it), or undefined to read now.
   */
  async restore(stored) {
    const { latest, quarantine, log, keys, skip, sync, read_ms } = await (stored ?? readStored(this.db));
    const skipped = new Set(skip?.keys ?? []);
    this.timings.read_ms = read_ms;
    let t;
    if (quarantine) {
      this.quarantined = describe(quarantine);
      this.degraded = { reason: 'a quarantined snapshot or log is kept: the state may be partial, compaction is off', at: quarantine.at };
    }
    t = performance.now();
    if (latest) {
      let reply;
      try {
        reply = this.engine.importSnapshot(new Uint8Array(latest.bytes));
      } catch (e) {
        await this.#quarantine(latest, { code: 'internal', message: String(e?.message ?? e) }, true, 'snapshot');
        throw e;
      }
      if (reply.error) await this.#quarantine(latest, reply.error, true, 'snapshot');
    }
    this.timings.import_ms = performance.now() - t;
    t = performance.now();
    let failed = null;
    for (const [i, rec] of log.entries()) {
      if (skipped.has(keys[i])) continue;        // it broke the engine before; its copy is in the quarantine
      let reply;
      try {
        reply = this.engine.callJSON(rec.json);
      } catch (e) {
        // The engine broke on this record: it is quarantined (if nothing is
        // yet) and marked to be skipped, so the fresh engine the caller starts
        // restores the rest instead of breaking on it again, forever.
        if (!this.degraded) await this.#quarantine(latest, { code: 'internal', message: String(e?.message ?? e) }, false, 'replay');
        await this.#skip(keys[i]);
        throw e;
      }
      if (reply.error) {
        this.#fail('replay', `log record failed to replay: ${reply.error.code}: ${reply.error.message}`);
        failed ??= reply.error;
      }
      this.entries++;
      this.bytes += rec.json.length;
    }
    // The snapshot (if it loaded) stays in place; a copy goes with the log.
    if (failed && !this.degraded) await this.#quarantine(latest, failed, false, 'replay');
    this.timings.replay_ms = performance.now() - t;
    this.timings.replayed = log.length;
    if (sync) {
      const reply = this.engine.call({ op: 'sync.load', data: sync.state });
      if (reply.error) this.#fail('sync', `the stored sync state did not load (${reply.error.code}: ${reply.error.message}); it is kept, sync is off`);
      else this.syncMeta = { server: sync.server, hash: sync.hash ?? null, at: sync.at };
    }
  }

  // #quarantine keeps what a failed restore read: the snapshot (moved out of
  // "latest" when move is set, else copied) and a copy of every log record,
  // written in ONE transaction that also reads the log — nothing is lost. An
  // older quarantine is kept, never overwritten. The store becomes degraded.
  async #quarantine(latest, error, move, kind) {
    const message = kind === 'snapshot'
      ? `stored snapshot failed to load (${error.code}: ${error.message}); it and a copy of the log were kept under "quarantine" and the state was rebuilt from the log alone`
      : `a log record failed to replay (${error.code}: ${error.message}); the snapshot and a copy of the log were kept under "quarantine"`;
    this.#fail(kind, message);
    const at = Date.now();
    this.degraded = { reason: `${kind} failed to restore: the state may be partial, compaction is off`, at };
    const tx = this.db.transaction(['snapshot', 'log'], 'readwrite', STRICT);
    const os = tx.objectStore('snapshot');
    const olderReq = os.getKey('quarantine');
    const logReq = tx.objectStore('log').getAll();
    logReq.onsuccess = () => {
      const older = olderReq.result !== undefined;
      const record = { bytes: latest?.bytes ?? null, log: logReq.result, at, error, kind };
      os.put(record, older ? `quarantine:${at}` : 'quarantine');
      if (move && latest) os.delete('latest');
      if (!older) this.quarantined = describe(record);
    };
    await done(tx);
  }

  // #skip marks a log record that broke the engine: restore() passes over it
  // from now on (its copy is in the quarantine). The mark goes when the log is
  // cleared (compaction, resolving degraded mode, a saved import or sync).
  async #skip(key) {
    const tx = this.db.transaction('snapshot', 'readwrite', STRICT);
    const os = tx.objectStore('snapshot');
    const req = os.get('skip');
    req.onsuccess = () => os.put({ keys: [...(req.result?.keys ?? []), key] }, 'skip');
    await done(tx);
  }

  #fail(kind, message) {
    console.error(`confidant store: ${message}`);
    this.errors.push({ kind, message, at: Date.now() });
    if (this.errors.length > 20) this.errors.shift();
  }

  /**
   * apply runs one request. A mutating request that succeeded is appended to
   * the log and the promise resolves only after that transaction commits. The
   * transaction is created synchronously after the engine call, so log order
   * is apply order even when requests interleave.
   */
  async apply(request) {
    if (this.degraded && ((request.op === 'import.begin' && !request.check) || WHOLE_IMPORTS.has(request.op))) {
      return { error: { code: 'invalid', message: 'imports are off while some stored data could not be loaded: resolve it in the Health section first' } };
    }
    const reply = request.op === 'import.feed' ? this.#feed(request) : this.engine.call(request);
    if (request.op.startsWith('import.')) return this.#imported(request, reply);
    if (reply.error || !MUTATING.has(request.op)) return reply;
    const json = JSON.stringify(request);
    try {
      const tx = this.db.transaction('log', 'readwrite', STRICT);
      tx.objectStore('log').add({ json, at: Date.now() });
      this.entries++;
      this.bytes += json.length;
      await done(tx);
    } catch (e) {
      // Memory holds a change that is not durable: discard this engine (the
      // caller rebuilds it from the database) and report the request as not done.
      const broken = new EngineError(`log append failed, the engine is rebuilt from storage: ${e?.message ?? e}`);
      this.engine.broken ??= broken;
      this.#fail('log', broken.message);
      throw broken;
    }
    return reply;
  }

  // #feed runs import.feed through the binary export (no base64 inside the
  // module) when the request is well formed; otherwise the op reports why.
  #feed(r) {
    const fields = Object.keys(r).sort().join();
    if (!this.engine.hasFeed || fields !== 'data,import,op' || typeof r.data !== 'string'
      || !Number.isInteger(r.import) || r.import < 0 || r.import > 0xffffffff) return this.engine.call(r);
    let bytes;
    try { bytes = fromBase64(r.data); } catch { return this.engine.call(r); }
    return this.engine.feedImport(r.import, bytes);
  }

  // #imported follows an import op's reply: check imports are remembered
  // (their end saves nothing); an applied import.end is saved before it is
  // acknowledged (see the top of this file).
  async #imported(request, reply) {
    if (request.op === 'import.begin') {
      if (request.check && !reply.error) this.checks.add(reply.import);
      return reply;
    }
    if (request.op === 'import.feed') {
      if (reply.error) this.checks.delete(request.import);   // the engine dropped it
      return reply;
    }
    const whole = WHOLE_IMPORTS.has(request.op);
    if (!whole && request.op !== 'import.end' && request.op !== 'import.cancel') return reply;
    const check = !whole && this.checks.delete(request.import);
    if (request.op === 'import.cancel' || reply.error || check) return reply;
    try {
      const bytes = this.engine.exportSnapshot();
      const tx = this.db.transaction(['snapshot', 'log'], 'readwrite', STRICT);
      tx.objectStore('snapshot').put({ bytes: bytes.buffer, at: Date.now() }, 'latest');
      tx.objectStore('log').clear();
      tx.objectStore('snapshot').delete('skip');   // its keys named cleared records
      this.entries = 0;
      this.bytes = 0;
      await done(tx);
      this.imports++;
    } catch (e) {
      const broken = new EngineError(`the import could not be saved, so it was not applied (the engine is rebuilt from storage): ${e?.message ?? e}`);
      this.engine.broken ??= broken;
      this.#fail('import', broken.message);
      throw broken;
    }
    return reply;
  }

  /**
   * saveSync saves the engine's state and its sync state in ONE transaction
   * that also clears the log (see the top of this file); meta is {server,
   * hash}. If it fails the engine is marked broken (memory holds what the
   * database does not) and an EngineError is thrown.
   */
  async saveSync(meta) {
    try {
      const { data } = this.engine.call({ op: 'sync.save' });
      if (typeof data !== 'string') throw new Error('the engine has no sync state to save');
      const bytes = this.engine.exportSnapshot();
      const at = Date.now();
      const record = { state: data, server: meta.server, hash: meta.hash ?? null, at };
      const tx = this.db.transaction(['snapshot', 'log'], 'readwrite', STRICT);
      tx.objectStore('snapshot').put({ bytes: bytes.buffer, at }, 'latest');
      tx.objectStore('snapshot').put(record, 'sync');
      tx.objectStore('log').clear();
      tx.objectStore('snapshot').delete('skip');   // its keys named cleared records
      const entries = this.entries, size = this.bytes;
      this.entries = 0;
      this.bytes = 0;
      await done(tx).catch((e) => { this.entries += entries; this.bytes += size; throw e; });
      this.syncMeta = { server: record.server, hash: record.hash, at };
    } catch (e) {
      const broken = e instanceof EngineError ? e : new EngineError(`the sync could not be saved, so it was not applied (the engine is rebuilt from storage): ${e?.message ?? e}`);
      this.engine.broken ??= broken;
      this.#fail('sync', broken.message);
      throw broken;
    }
  }

  /** dropSync deletes the stored sync state (sync.leave). */
  async dropSync() {
    const tx = this.db.transaction('snapshot', 'readwrite', STRICT);
    tx.objectStore('snapshot').delete('sync');
    await done(tx);
    this.syncMeta = null;
  }

  /** needsCompaction reports whether the log is over its limits (never while degraded). */
  needsCompaction() { return !this.degraded && (this.entries > MAX_LOG_ENTRIES || this.bytes > MAX_LOG_BYTES); }

  /**
   * compact writes a fresh snapshot and clears the log in one transaction.
   * The export and the transaction's creation happen synchronously, so every
   * record logged before belongs to the snapshot and every later one survives.
   */
  compact() {
    if (this.degraded) return Promise.resolve();
    if (this.compacting) return this.compacting;
    const bytes = this.engine.exportSnapshot();
    const tx = this.db.transaction(['snapshot', 'log'], 'readwrite', STRICT);
    tx.objectStore('snapshot').put({ bytes: bytes.buffer, at: Date.now() }, 'latest');
    tx.objectStore('log').clear();
    tx.objectStore('snapshot').delete('skip');   // its keys named cleared records
    const entries = this.entries, size = this.bytes;
    this.entries = 0;
    this.bytes = 0;
    this.compacting = done(tx).then(() => { this.compactions++; }, (e) => {
      this.entries += entries;     // the log was not cleared
      this.bytes += size;
      this.#fail('compaction', `compaction failed: ${e?.message ?? e}`);
    }).finally(() => { this.compacting = null; });
    return this.compacting;
  }

  /** quarantineRecords returns every quarantine record (store.quarantine.get). */
  async quarantineRecords() {
    const tx = this.db.transaction('snapshot', 'readonly');
    const os = tx.objectStore('snapshot');
    const range = IDBKeyRange.bound('quarantine', 'quarantine\uffff');
    const [keys, values] = await Promise.all([result(os.getAllKeys(range)), result(os.getAll(range))]);
    return {
      records: values.map((q, i) => ({
        key: keys[i], at: q.at, kind: q.kind ?? null, error: q.error ?? null,
        snapshot: q.bytes ? toBase64(new Uint8Array(q.bytes)) : null,
        log: (q.log ?? []).map(({ json, at }) => ({ json, at })),
      })),
    };
  }

  /**
   * clearQuarantine resolves degraded mode by keeping the current state: the
   * quarantine records go (one transaction), compaction is on again and runs
   * now, so the current state is what the next start restores.
   */
  async clearQuarantine() {
    const tx = this.db.transaction('snapshot', 'readwrite', STRICT);
    const os = tx.objectStore('snapshot');
    const range = IDBKeyRange.bound('quarantine', 'quarantine\uffff');
    const count = os.count(range);
    os.delete(range);
    await done(tx);
    this.degraded = null;
    this.quarantined = null;
    await this.compact();
    return { ok: true, removed: count.result };
  }

  /**
   * collectSoon has the engine run the collection its import deferred
   * (wasm/collect.go) from a timer, once: the worker calls it after each
   * answer, and the timer fires after the first is sent. Its time and the
   * live heap after it go to the status timings. A broken engine is left to
   * the next request, which rebuilds it.
   */
  collectSoon() {
    if (this.#collectScheduled) return;
    this.#collectScheduled = true;
    setTimeout(() => this.#collect(), 0);
  }

  #collectScheduled = false;

  #collect() {
    if (this.engine.broken) return;
    const t = performance.now();
    this.timings.collect_at_ms = t;               // since the worker started, like answered_ms
    try {
      const reply = this.engine.call({ op: 'collect' });
      this.timings.collect_ms = performance.now() - t;
      this.timings.heap_bytes = reply.heap_bytes;
    } catch (e) {
      console.error('confidant: the deferred collection failed', e);
    }
  }

  /** status describes the store for the status op. */
  async status() {
    const tx = this.db.transaction(['snapshot', 'log'], 'readonly');
    const [latest, logCount] = await Promise.all([
      result(tx.objectStore('snapshot').get('latest')),
      result(tx.objectStore('log').count()),
    ]);
    return {
      snapshot: latest ? { at: latest.at, size: latest.bytes.byteLength } : null,
      log: logCount,
      compactions: this.compactions,
      imports: this.imports,
      quarantine: this.quarantined,
      degraded: this.degraded,
      errors: this.errors,
      timings: this.timings,
    };
  }
}
