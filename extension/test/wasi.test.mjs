// The shim provides every import the engine module declares, and drives the
// module in Node (no browser) through engine.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createWasi } from '../src/background/wasi.js';
import { loadEngine, Engine, EngineError } from '../src/background/engine.js';
import { WASM } from './helpers.mjs';

test('every import of confidant.wasm is provided by the WASI shim', async () => {
  const module = new WebAssembly.Module(await readFile(WASM));
  const { imports } = createWasi();
  const wanted = WebAssembly.Module.imports(module);
  assert.ok(wanted.length > 0, 'the module declares imports');
  const missing = wanted.filter((i) => i.kind !== 'function' || typeof imports[i.module]?.[i.name] !== 'function');
  assert.deepEqual(missing, [], 'imports the shim does not provide');
});

test('poll_oneoff sleeps for a relative clock subscription', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = createWasi();
  wasi.setMemory(memory);
  const v = new DataView(memory.buffer);
  v.setBigUint64(0, 42n, true); v.setUint8(8, 0);           // userdata, clock tag
  v.setUint32(16, 1, true); v.setBigUint64(24, 20_000_000n, true); v.setUint16(40, 0, true); // monotonic, 20 ms, relative
  const t = performance.now();
  const errno = wasi.imports.wasi_snapshot_preview1.poll_oneoff(0, 100, 1, 200);
  assert.equal(errno, 0);
  assert.ok(performance.now() - t >= 19, 'waited for the deadline');
  assert.equal(v.getUint32(200, true), 1, 'one event');
  assert.equal(v.getBigUint64(100, true), 42n, 'event carries the userdata');
});

test('poll_oneoff refuses a wait over the cap instead of spinning', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = createWasi();
  wasi.setMemory(memory);
  const v = new DataView(memory.buffer);
  v.setBigUint64(0, 7n, true); v.setUint8(8, 0);
  v.setUint32(16, 1, true); v.setBigUint64(24, 60_000_000_000n, true); v.setUint16(40, 0, true); // 60 s, relative
  const t = performance.now();
  assert.equal(wasi.imports.wasi_snapshot_preview1.poll_oneoff(0, 100, 1, 200), 28, 'EINVAL');
  assert.ok(performance.now() - t < 100, 'returned at once');
});

test('fd_write decodes a character split across writes', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const out = [];
  const wasi = createWasi({ log: (l) => out.push(l) });
  wasi.setMemory(memory);
  const bytes = new TextEncoder().encode('café ☕\n');
  const write = (from, to) => {
    new Uint8Array(memory.buffer).set(bytes.subarray(from, to), 1000);
    const v = new DataView(memory.buffer);
    v.setUint32(0, 1000, true); v.setUint32(4, to - from, true);
    assert.equal(wasi.imports.wasi_snapshot_preview1.fd_write(1, 0, 1, 16), 0);
  };
  write(0, 4); write(4, 8); write(8, bytes.length);               // splits é and ☕
  assert.deepEqual(out, ['[confidant.wasm] café ☕']);
});

// fakeExports is a module whose call returns a reply that is not JSON, and
// whose free may throw.
function fakeExports({ freeThrows = false, callThrows = false } = {}) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const reply = new TextEncoder().encode('not json');
  return {
    memory,
    alloc: () => 64,
    free: () => { if (freeThrows) throw new Error('free failed'); },
    call: () => {
      if (callThrows) throw new Error('call trapped');
      new Uint8Array(memory.buffer).set(reply, 512);
      return (512n << 32n) | BigInt(reply.length);
    },
  };
}

test('engine.js: a reply that is not JSON breaks the engine; a throwing free does not hide the first error', () => {
  const e = new Engine(fakeExports());
  assert.throws(() => e.call({ op: 'stats' }), EngineError);
  assert.ok(e.broken instanceof EngineError, 'the engine is marked broken');
  assert.throws(() => e.call({ op: 'stats' }), EngineError, 'and stays broken');

  const e2 = new Engine(fakeExports({ freeThrows: true, callThrows: true }));
  assert.throws(() => e2.call({ op: 'stats' }), /call trapped/);

  const e3 = new Engine(fakeExports({ freeThrows: true }));
  assert.throws(() => e3.call({ op: 'stats' }), /free failed/, 'a throwing free alone is reported');
  assert.ok(e3.broken);
});

test('engine.js round-trips ops and snapshots in Node', async () => {
  const bytes = await readFile(WASM);
  const e = await loadEngine(bytes);
  const ingest = e.call({ op: 'ingest', turns: [{ id: 't1', session: 's1', role: 'user', text: 'My dog is called Biscuit.', time: '2024-05-01T10:00:00Z' }] });
  assert.equal(ingest.added, 1);
  const snap = e.exportSnapshot();
  assert.equal(new TextDecoder().decode(snap.slice(0, 4)), 'CFDS');
  const e2 = await loadEngine(bytes);
  assert.equal(e2.importSnapshot(snap).turns, 1);
  assert.equal(e2.call({ op: 'recall', text: "what is my dog's name?" }).hits[0].id, 't1');
  assert.equal(e2.importSnapshot(new Uint8Array([1, 2, 3])).error.code, 'invalid');
  assert.equal(e2.call({ op: 'nope' }).error.code, 'bad_request');
});
