// The shim provides every import the engine module declares, and drives the
// module in Node (no browser) through engine.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createWasi } from '../src/background/wasi.js';
import { loadEngine } from '../src/background/engine.js';
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
