// engine.js — one instance of confidant.wasm (the ABI is wasm/ops.go).
// Requests and replies are JSON objects; snapshots travel as raw bytes
// through the binary exports. Every call is synchronous inside the module.
import { createWasi } from './wasi.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const REQUIRED = ['memory', '_initialize', 'alloc', 'free', 'call', 'snapshot_export', 'snapshot_import'];

/** EngineError reports a broken module contract (trap, refused buffer); the instance should be discarded. */
export class EngineError extends Error {}

/**
 * loadEngine instantiates the module. source is a compiled WebAssembly.Module
 * (the worker: module.js), the module's bytes (tests in Node) or a Response
 * (or a promise of one, streamed).
 */
export async function loadEngine(source, wasiOptions) {
  const wasi = createWasi(wasiOptions);
  const t0 = performance.now();
  const instance = source instanceof WebAssembly.Module
    ? await WebAssembly.instantiate(source, wasi.imports)
    : (source instanceof ArrayBuffer || ArrayBuffer.isView(source)
      ? await WebAssembly.instantiate(source, wasi.imports)
      : await WebAssembly.instantiateStreaming(source, wasi.imports)).instance;
  for (const name of REQUIRED) {
    if (!(name in instance.exports)) throw new EngineError(`engine module does not export ${name}: not a Confidant reactor`);
  }
  wasi.setMemory(instance.exports.memory);
  const t1 = performance.now();
  instance.exports._initialize();
  const engine = new Engine(instance.exports);
  engine.timings = { instantiate_ms: t1 - t0, init_ms: performance.now() - t1 };
  return engine;
}

/** Engine wraps the reactor's exports. */
export class Engine {
  #x;
  broken = null;
  /** timings: instantiate_ms and init_ms (the Go runtime's and packages' start), from loadEngine. */
  timings = {};
  constructor(exports) { this.#x = exports; }

  /** call sends one request object and returns the reply object (an op result or {error}). */
  call(request) {
    return this.#json(() => encoder.encode(JSON.stringify(request)), this.#x.call);
  }

  /** callJSON is call for a request already serialised (log replay). */
  callJSON(json) {
    return this.#json(() => encoder.encode(json), this.#x.call);
  }

  /** exportSnapshot returns the local snapshot (with analysed terms) as bytes; throws on an error reply. */
  exportSnapshot() {
    const out = this.#guard(() => this.#reply(this.#x.snapshot_export(0)));
    if (out[0] === 0x7b) throw new EngineError(`snapshot_export: ${decoder.decode(out)}`); // "{": a JSON error
    return out;
  }

  /** hasFeed reports whether the module has the binary import_feed export. */
  get hasFeed() { return typeof this.#x.import_feed === 'function'; }

  /** feedImport passes an import's next chunk as raw bytes (import_feed); returns the reply object (totals or {error}). */
  feedImport(id, bytes) {
    return this.#json(() => bytes, (p, n) => this.#x.import_feed(id, p, n));
  }

  /** importSnapshot replaces the engine's state with a local snapshot; returns the reply object (stats or {error}). */
  importSnapshot(bytes) {
    return this.#json(() => bytes, this.#x.snapshot_import);
  }

  // #json passes input to fn and parses the reply, all inside the guard: a
  // reply that is not JSON is a broken contract too. (Serialising the request
  // happens first, outside it: a bad request object is the caller's error.)
  #json(input, fn) {
    const bytes = input();
    return this.#guard(() => JSON.parse(decoder.decode(this.#withBuffer(bytes, fn))));
  }

  #guard(fn) {
    if (this.broken) throw this.broken;
    try { return fn(); } catch (e) {
      this.broken = e instanceof EngineError ? e : new EngineError(`engine module failed: ${e?.message ?? e}`);
      throw this.broken;
    }
  }

  // #withBuffer copies input into module memory, calls fn on it and returns
  // the reply bytes; the caller holds the guard.
  #withBuffer(input, fn) {
    const p = this.#x.alloc(input.length) >>> 0;
    if (p === 0) throw new EngineError(`the module refused a ${input.length}-byte buffer`);
    return this.#freeing(p, () => {
      new Uint8Array(this.#x.memory.buffer, p, input.length).set(input);
      return this.#reply(fn(p, input.length));
    });
  }

  // #freeing runs fn, then frees p. If fn threw, that error is the one
  // reported (a throwing free does not replace it); if only free throws, its
  // error is.
  #freeing(p, fn) {
    let failed = true, value;
    try {
      value = fn();
      failed = false;
    } finally {
      try {
        this.#x.free(p);
      } catch (e) {
        if (!failed) throw e;      // else the original error propagates
      }
    }
    return value;
  }

  // #reply copies out the buffer named by ptr<<32|len (memory.buffer is read
  // after the call: growth detaches old views), then frees it.
  #reply(packed) {
    const p = Number(BigInt.asUintN(64, packed) >> 32n), n = Number(BigInt.asUintN(32, packed));
    return this.#freeing(p, () => new Uint8Array(this.#x.memory.buffer, p, n).slice());
  }
}
