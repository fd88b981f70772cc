// store.js — durability in the extension origin's IndexedDB (never
// chrome.storage: content scripts can read it).
//
// Database "confidant", version 1:
//   snapshot  out-of-line keys: "latest" → {bytes: ArrayBuffer, at: ms}, the
//             engine's local snapshot (snapshot_export, with analysed terms);
//             "quarantine" → {bytes, at, error}, a snapshot that failed to load.
//   log       autoincrement keys → {json: string, at: ms}: every mutating
//             request applied since "latest", in the order it was applied.
//
// State = import(latest) then replay(log in key order). A mutating request's
// log record is committed before its reply is sent. Compaction exports a
// snapshot and, in ONE readwrite transaction over both stores, puts it and
// clears the log: an interrupted compaction leaves the old snapshot and the
// full log, or the new snapshot and an empty log — never half.

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

const done = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
});
const result = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

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
  }

  /** restore loads the latest snapshot (quarantining a bad one) and replays the log. */
  async restore() {
    let t = performance.now();
    const tx = this.db.transaction(['snapshot', 'log'], 'readonly');
    const [latest, quarantine, log] = await Promise.all([
      result(tx.objectStore('snapshot').get('latest')),
      result(tx.objectStore('snapshot').get('quarantine')),
      result(tx.objectStore('log').getAll()),
    ]);
    this.timings.read_ms = performance.now() - t;
    if (quarantine) this.quarantined = { at: quarantine.at, error: quarantine.error, size: quarantine.bytes.byteLength };
    t = performance.now();
    if (latest) {
      const reply = this.engine.importSnapshot(new Uint8Array(latest.bytes));
      if (reply.error) await this.#quarantine(latest, reply.error, quarantine !== undefined);
    }
    this.timings.import_ms = performance.now() - t;
    t = performance.now();
    for (const rec of log) {
      const reply = this.engine.callJSON(rec.json);
      if (reply.error) this.#fail('replay', `log record failed to replay: ${reply.error.code}: ${reply.error.message}`);
      this.entries++;
      this.bytes += rec.json.length;
    }
    this.timings.replay_ms = performance.now() - t;
    this.timings.replayed = log.length;
  }

  // #quarantine moves a snapshot that failed to load under "quarantine" (one
  // transaction: it is never lost) and records the error. An older quarantine
  // is kept, never overwritten.
  async #quarantine(latest, error, older) {
    const message = `stored snapshot failed to load (${error.code}: ${error.message}); it was kept under "quarantine" and the state was rebuilt from the log alone`;
    this.#fail('snapshot', message);
    const at = Date.now();
    const tx = this.db.transaction('snapshot', 'readwrite');
    const os = tx.objectStore('snapshot');
    os.put({ bytes: latest.bytes, at, error }, older ? `quarantine:${at}` : 'quarantine');
    os.delete('latest');
    await done(tx);
    if (!older) this.quarantined = { at, error, size: latest.bytes.byteLength };
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
    const reply = this.engine.call(request);
    if (reply.error || !MUTATING.has(request.op)) return reply;
    const json = JSON.stringify(request);
    const tx = this.db.transaction('log', 'readwrite');
    tx.objectStore('log').add({ json, at: Date.now() });
    this.entries++;
    this.bytes += json.length;
    await done(tx);
    return reply;
  }

  /** needsCompaction reports whether the log is over its limits. */
  needsCompaction() { return this.entries > MAX_LOG_ENTRIES || this.bytes > MAX_LOG_BYTES; }

  /**
   * compact writes a fresh snapshot and clears the log in one transaction.
   * The export and the transaction's creation happen synchronously, so every
   * record logged before belongs to the snapshot and every later one survives.
   */
  compact() {
    if (this.compacting) return this.compacting;
    const bytes = this.engine.exportSnapshot();
    const tx = this.db.transaction(['snapshot', 'log'], 'readwrite');
    tx.objectStore('snapshot').put({ bytes: bytes.buffer, at: Date.now() }, 'latest');
    tx.objectStore('log').clear();
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
      quarantine: this.quarantined,
      errors: this.errors,
      timings: this.timings,
    };
  }
}
