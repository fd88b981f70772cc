// The engine module ships LZMA-compressed (module.js, lzma.js): unpacked and
// checked once per install or update, kept in its own IndexedDB database,
// compiled from there at later starts (its SHA-256 checked again); a kept copy
// that is gone, from another version, changed or damaged is replaced by a fresh
// unpack; a damaged package is reported, never run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openManager, op, stopWorker, turn } from './helpers.mjs';

const T = '2024-03-01T09:00:00Z';

// kept lists the module database's records as [key, byteLength], from an extension page.
const kept = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const req = indexedDB.open('confidant-module');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const store = req.result.transaction('module').objectStore('module');
    const keys = store.getAllKeys(), values = store.getAll();
    values.onsuccess = () => { resolve(keys.result.map((k, i) => [k, values.result[i].byteLength])); req.result.close(); };
  };
}));

// replace runs fn(store, key) on the module database in one read-write transaction.
const replace = (page, how) => page.evaluate((how) => new Promise((resolve, reject) => {
  const req = indexedDB.open('confidant-module');
  req.onsuccess = () => {
    const db = req.result, tx = db.transaction('module', 'readwrite'), store = tx.objectStore('module');
    const keys = store.getAllKeys();
    keys.onsuccess = () => {
      const [key] = keys.result;
      const get = store.get(key);
      get.onsuccess = () => {
        if (how === 'garbage') store.put(new Uint8Array(get.result.byteLength).fill(7).buffer, key);
        else if (how === 'changed') {
          // One byte near the end: inside the data section, so the module
          // still compiles; only the hash check can tell.
          const bytes = new Uint8Array(get.result.slice(0));
          bytes[bytes.length - 100] ^= 1;
          store.put(bytes.buffer, key);
        }
        else { store.delete(key); store.put(get.result, 'an-older-version'); }
      };
    };
    tx.oncomplete = () => { db.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
}), how);

test('unpacked once, compiled from the kept copy after; a damaged or outdated copy is replaced', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  let status = await op(page, { op: 'status' });
  assert.equal(typeof status.timings.unpack_ms, 'number', 'the first start unpacked the module');
  assert.ok(status.timings.unpack_ms > 0);
  console.log(`first start after install: the module unpacked in ${status.timings.unpack_ms.toFixed(0)} ms, compiled in ${status.timings.compile_ms.toFixed(0)} ms`);
  const [[sha, size]] = await kept(page);
  assert.match(sha, /^[0-9a-f]{64}$/);
  assert.ok(size > 1_000_000, `the kept module is the unpacked one (${size} bytes)`);
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });

  await stopWorker(browser, page);
  status = await op(page, { op: 'status' });
  assert.equal(status.timings.unpack_ms, undefined, 'a later start compiles the kept copy');
  assert.equal(typeof status.timings.module_read_ms, 'number');
  assert.equal(status.engine.turns, 1);

  for (const how of ['garbage', 'changed', 'outdated']) {
    await replace(page, how);
    await stopWorker(browser, page);
    status = await op(page, { op: 'status' });
    assert.equal(typeof status.timings.unpack_ms, 'number', `${how}: unpacked again`);
    assert.deepEqual(await kept(page), [[sha, size]], `${how}: the fresh copy replaced it`);
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
