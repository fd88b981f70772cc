// service.js — the service worker's state: one engine, one store, and the
// promise that both are ready. A broken engine (a trap) is discarded and the
// next message rebuilds it from what is stored.
import { loadEngine, EngineError } from './engine.js';
import { engineModule } from './module.js';
import { openDB, readStored, Store } from './store.js';
import { Prefs, PREF_OPS } from './prefs.js';
import { Sync } from './sync.js';

/** The store's own privileged ops (not the engine's): see store.js. */
const STORE_OPS = new Set(['store.quarantine.get', 'store.quarantine.clear']);

/**
 * Ops after which what the user deleted or replaced must not linger on disk
 * (in the snapshot or in earlier log records until the next compaction): the
 * store is rewritten before the reply. "Delete everything" also clears the
 * quarantine (copies kept aside after a failed restore) and the record of
 * injections. While the store is degraded a single deletion cannot be
 * rewritten (compaction would persist a partial state): it is erased when the
 * user resolves degraded mode.
 */
const ERASING = new Set(['forget', 'facts.delete', 'facts.edit']);

/** start loads the engine and restores the store; it resolves to the Store. */
export async function start(runtime) {
  // performance.now() counts from the worker's start: t0 is how long the
  // worker took to load and run its scripts before asking for the engine.
  const t0 = performance.now();
  let compiled, moduleTimings, kept;
  const opened = openDB();
  // The stored state is read while the module compiles.
  const stored = opened.then(readStored);
  stored.catch(() => {});                         // restore below reports a failed read
  const [engine, db] = await Promise.all([
    engineModule(runtime).then((m) => { moduleTimings = m.timings; kept = m.kept; return loadEngine(m.module); })
      .then((e) => { compiled = performance.now(); return e; }),
    opened,
  ]);
  const t1 = performance.now();
  let store = new Store(db, engine);
  try {
    await store.restore(stored);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    // The engine threw while restoring: what it read is quarantined now, so
    // one fresh engine restores what is left (no retry loop on a bad snapshot).
    const errors = store.errors;
    store = new Store(db, await loadEngine((await engineModule(runtime)).module));
    store.errors.push(...errors);                 // the status op still shows why
    await store.restore();
  }
  // module_read_ms, compile_ms (unpack_ms after an install or update), then instantiate_ms and init_ms
  Object.assign(store.timings, moduleTimings, store.engine.timings);
  kept?.catch((e) => store.errors.push({ kind: 'module', at: Date.now(),
    message: `the engine module could not be kept (${e?.message ?? e}): the next start unpacks it again` }));
  store.timings.boot_ms = t0;
  store.timings.engine_ms = compiled - t0;        // read (or unpack), compile, instantiate and start the module
  store.timings.load_ms = t1 - t0;                // that, and the database open and read
  store.timings.ready_ms = performance.now() - t0;
  return store;
}

/** Service answers routed requests once ready. */
export class Service {
  constructor(runtime) {
    this.runtime = runtime;
    this.instance = crypto.randomUUID();      // tells a restarted worker apart (status)
    this.ready = start(runtime);
    this.ready.catch((e) => console.error('confidant: start failed', e));
    this.prefs = Prefs.open();                // the switches; independent of the engine
    this.sync = new Sync(new URL(runtime.getURL('')).origin);   // sync.* ops (sync.js)
    this.prefs.catch((e) => console.error('confidant: prefs failed to open', e));
  }

  /** allows resolves to the switches' check for content calls (refuses all if they cannot be read). */
  async allows() {
    try {
      const prefs = await this.prefs;
      return (site) => prefs.allows(site);
    } catch (e) {
      this.prefs = Prefs.open();
      return () => ({ ok: false, reason: `Confidant's settings could not be read: ${e?.message ?? e}` });
    }
  }

  async run(request) {
    if (PREF_OPS.has(request.op)) {
      try {
        return await (await this.prefs).handle(request);
      } catch (e) {
        return { error: { code: 'internal', message: `settings not changed: ${e?.message ?? e}` } };
      }
    }
    let store;
    const ready = this.ready;
    try {
      store = await ready;
    } catch (e) {
      this.ready = start(this.runtime);           // try again on the next message
      return { error: { code: 'internal', message: `engine failed to start: ${e?.message ?? e}` } };
    }
    try {
      return await this.#answer(store, ready, request);
    } finally {
      // The import left the module's collector off so that the first answer
      // did not wait for it (wasm/collect.go): it runs once that answer is out.
      store.collectSoon();
    }
  }

  async #answer(store, ready, request) {
    if (request.op === 'status') {
      return { instance: this.instance, ...(await store.status()), engine: store.engine.call({ op: 'stats' }) };
    }
    if (STORE_OPS.has(request.op)) return this.#storeOp(store, request);
    if (request.op.startsWith('sync.')) {
      try {
        return await this.sync.handle(store, request);
      } catch (e) {
        if (e instanceof EngineError || store.engine.broken) this.#rebuild(ready);
        return { error: { code: 'internal', message: `not done: ${e?.message ?? e}` } };
      }
    }
    let reply;
    try {
      const t = performance.now();
      reply = await store.apply(request);
      if (store.timings.first_op_ms === undefined) {    // the cold start's last step (status shows it)
        store.timings.first_op_ms = performance.now() - t;
        store.timings.answered_ms = performance.now();  // since the worker started
      }
    } catch (e) {
      if (e instanceof EngineError) this.#rebuild(ready);
      return { error: { code: 'internal', message: `not done: ${e?.message ?? e}` } };
    }
    // The write is committed: a compaction problem never turns it into a failure.
    try {
      if (ERASING.has(request.op) && !reply?.error) await this.#erase(store, request);
      else if (store.needsCompaction()) store.compact();   // runs in the background; atomic
    } catch (e) {
      console.error('confidant: compaction failed', e);
      if (store.engine.broken) this.#rebuild(ready);
    }
    return reply;
  }

  // #erase rewrites the store after a deletion (see ERASING). A compaction
  // already running exported the state before this change, so it is awaited
  // and a new one runs.
  async #erase(store, request) {
    if (request.op === 'forget' && request.all === true) {
      await store.clearQuarantine();               // compacts too
      await (await this.prefs).clearInjections();
      return;
    }
    await store.compacting;
    await store.compact();
  }

  // #storeOp runs the store's own ops (degraded mode: see store.js).
  async #storeOp(store, request) {
    const extra = Object.keys(request).find((k) => k !== 'op');
    if (extra) return { error: { code: 'bad_request', message: `${extra}: unknown field` } };
    try {
      return request.op === 'store.quarantine.get' ? await store.quarantineRecords() : await store.clearQuarantine();
    } catch (e) {
      return { error: { code: 'internal', message: `not done: ${e?.message ?? e}` } };
    }
  }

  // #rebuild discards a broken engine once (not again for each request that
  // was in flight on it) and restores a fresh one from the database.
  #rebuild(from) {
    if (this.ready !== from) return;
    this.ready = start(this.runtime);
    this.ready.catch((e) => console.error('confidant: restart failed', e));
  }
}
