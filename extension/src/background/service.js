// service.js — the service worker's state: one engine, one store, and the
// promise that both are ready. A broken engine (a trap) is discarded and the
// next message rebuilds it from what is stored.
import { loadEngine, EngineError } from './engine.js';
import { openDB, Store } from './store.js';

/** start loads the engine and restores the store; it resolves to the Store. */
export async function start(runtime) {
  const t0 = performance.now();
  const [engine, db] = await Promise.all([
    loadEngine(fetch(runtime.getURL('confidant.wasm'))),
    openDB(),
  ]);
  const t1 = performance.now();
  const store = new Store(db, engine);
  await store.restore();
  store.timings.load_ms = t1 - t0;
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
  }

  async run(request) {
    let store;
    try {
      store = await this.ready;
    } catch (e) {
      this.ready = start(this.runtime);           // try again on the next message
      return { error: { code: 'internal', message: `engine failed to start: ${e?.message ?? e}` } };
    }
    if (request.op === 'status') {
      return { instance: this.instance, ...(await store.status()), engine: store.engine.call({ op: 'stats' }) };
    }
    try {
      const reply = await store.apply(request);
      if (store.needsCompaction()) store.compact();   // runs in the background; atomic
      return reply;
    } catch (e) {
      if (e instanceof EngineError) this.ready = start(this.runtime);
      return { error: { code: 'internal', message: `not done: ${e?.message ?? e}` } };
    }
  }
}
