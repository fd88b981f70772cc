// The engine module ships LZMA-compressed (module.js, lzma.js): unpacked and
// checked once per install or update, kept in its own IndexedDB database,
// compiled from there at later starts (its SHA-256 checked again); a kept copy
// that is gone, from another version, changed or damaged is replaced by a fresh
// unpack, and so is one in the form earlier builds kept (an ArrayBuffer); a
// damaged package is reported, never run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openManager, op, stopWorker, turn } from './helpers.mjs';

const T = '2024-03-01T09:00:00Z';

// kept lists the module database's records as [key, type, size], from an extension page.
const kept = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const req = indexedDB.open('confidant-module');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const store = req.result.transaction('module').objectStore('module');
    const keys = store.getAllKeys(), values = store.getAll();
    values.onsuccess = () => {
      resolve(keys.result.map((k, i) => {
        const v = values.result[i];
        return v instanceof Blob ? [k, 'Blob', v.size] : [k, v?.constructor?.name, v?.byteLength];
      }));
      req.result.close();
    };
  };
}));

// replace swaps the kept copy for a damaged, changed, outdated or old-form one.
const replace = (page, how) => page.evaluate(async (how) => {
  const open = () => new Promise((resolve, reject) => {
    const req = indexedDB.open('confidant-module');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const done = (tx) => new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  const db = await open();
  let tx = db.transaction('module');
  const keys = tx.objectStore('module').getAllKeys();
  await done(tx);
  const [key] = keys.result;
  tx = db.transaction('module');
  const get = tx.objectStore('module').get(key);
  await done(tx);
  const blob = get.result;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  tx = db.transaction('module', 'readwrite');
  const store = tx.objectStore('module');
  if (how === 'garbage') store.put(new Blob([new Uint8Array(bytes.length).fill(7)]), key);
  else if (how === 'changed') {
    // One byte near the end: inside the data section, so the module
    // still compiles; only the hash check can tell.
    bytes[bytes.length - 100] ^= 1;
    store.put(new Blob([bytes]), key);
  } else if (how === 'arraybuffer') store.put(bytes.buffer, key);   // the form earlier builds kept
  else { store.delete(key); store.put(blob, 'an-older-version'); }
  await done(tx);
  db.close();
}, how);

test('unpacked once, compiled from the kept copy after; a damaged or outdated copy is replaced', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  let status = await op(page, { op: 'status' });
  assert.equal(typeof status.timings.unpack_ms, 'number', 'the first start unpacked the module');
  assert.ok(status.timings.unpack_ms > 0);
  console.log(`first start after install: the module unpacked in ${status.timings.unpack_ms.toFixed(0)} ms, compiled in ${status.timings.compile_ms.toFixed(0)} ms`);
  const [[sha, type, size]] = await kept(page);
  assert.match(sha, /^[0-9a-f]{64}$/);
  assert.equal(type, 'Blob');
  assert.ok(size > 1_000_000, `the kept module is the unpacked one (${size} bytes)`);
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });

  await stopWorker(browser, page);
  status = await op(page, { op: 'status' });
  assert.equal(status.timings.unpack_ms, undefined, 'a later start compiles the kept copy');
  assert.equal(typeof status.timings.module_read_ms, 'number');
  assert.equal(status.engine.turns, 1);

  for (const how of ['garbage', 'changed', 'outdated', 'arraybuffer']) {
    await replace(page, how);
    await stopWorker(browser, page);
    status = await op(page, { op: 'status' });
    assert.equal(typeof status.timings.unpack_ms, 'number', `${how}: unpacked again`);
    assert.deepEqual(await kept(page), [[sha, 'Blob', size]], `${how}: the fresh copy replaced it`);
    const hits = (await op(page, { op: 'recall', text: 'beagle Biscuit' })).hits;
    assert.equal(hits?.[0]?.id, 'dog', `${how}: the engine works and the memories are there`);
  }
});

test('a damaged module in the package is reported and never run', async (t) => {
  const browser = await launch({
    alter: async (dir) => {
      const file = join(dir, 'confidant.wasm.lzma');
      const bytes = await readFile(file);
      for (let i = 100_000; i < 100_064; i++) bytes[i] ^= 0x5a;
      await writeFile(file, bytes);
    },
  });
  t.after(() => browser.close());
  const page = await openManager(browser);
  const reply = await op(page, { op: 'stats' });
  assert.equal(reply.error?.code, 'internal');
  assert.match(reply.error.message, /the engine module in the extension is damaged \(.+\): reinstall Confidant/);
  assert.deepEqual(await kept(page), [], 'nothing damaged is kept');
});
