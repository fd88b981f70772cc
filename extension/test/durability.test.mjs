// Durability: the service worker is stopped through CDP (what MV3 does to an
// idle worker) and the state comes back from IndexedDB — from the log alone,
// after a compaction, and with a corrupt snapshot quarantined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, openManager, op, stopWorker, turn } from './helpers.mjs';

const T = '2024-03-01T09:00:00Z';

async function restart(browser, page) {
  const before = await stopWorker(browser, page);
  const status = await op(page, { op: 'status' });
  assert.notEqual(status.instance, before, 'a new service worker instance answered');
  return status;
}

async function dogFact(page) {
  const { facts } = await op(page, { op: 'facts.list' });
  return facts.find((f) => /biscuit/i.test(f.slot));
}

test('state survives a stopped worker, before and after a compaction', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);

  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });
  await op(page, { op: 'ingest', turns: [turn('trip', 'kyoto', 'I am planning a trip to Kyoto in April.', T)] });
  const fact = await dogFact(page);
  assert.ok(fact, 'a fact was learned about the dog');
  assert.equal((await op(page, { op: 'facts.pin', id: fact.id, pinned: true })).fact.pinned, true);

  let status = await restart(browser, page);
  assert.equal(status.snapshot, null, 'no compaction yet: state comes from the log alone');
  assert.equal(status.log, 3);
  assert.deepEqual(status.errors, []);
  assert.equal((await op(page, { op: 'recall', text: "what's my dog's name?" })).hits[0]?.id, 'dog');
  assert.equal((await dogFact(page))?.pinned, true, 'the pin survived');

  // > 200 mutating ops: one turn each, as captures arrive.
  const replies = await page.evaluate(async (time) => {
    const out = [];
    for (let i = 0; i < 205; i++) {
      out.push(await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'ingest', turns: [
        { id: `n${i}`, session: `notes${i % 7}`, role: 'user', text: `Note ${i}: the meeting with supplier${i} is on floor ${i % 9}.`, time } ] } }));
    }
    return out;
  }, T);
  assert.ok(replies.every((r) => r.added === 1), 'every ingest acknowledged');
  status = await op(page, { op: 'status' });
  assert.ok(status.compactions >= 1, 'a compaction ran');
  assert.ok(status.snapshot?.size > 0, 'a snapshot is stored');
  assert.ok(status.log < 200, `log was cleared (holds ${status.log})`);

  status = await restart(browser, page);
  assert.ok(status.snapshot, 'restored from the snapshot');
  assert.deepEqual(status.errors, []);
  assert.equal(status.engine.turns, 207);
  assert.equal((await op(page, { op: 'recall', text: "what's my dog's name?" })).hits[0]?.id, 'dog');
  assert.equal((await op(page, { op: 'recall', text: 'meeting with supplier204' })).hits[0]?.id, 'n204');
  assert.equal((await op(page, { op: 'recall', text: 'trip to Kyoto' })).hits[0]?.id, 'kyoto');
  assert.equal((await dogFact(page))?.pinned, true, 'the pin survived the compaction');
});

test('a corrupt snapshot is quarantined, never applied or deleted; the log still loads', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit.', T)] });
  await op(page, { op: 'snapshot.import', data: (await op(page, { op: 'snapshot.export' })).data }); // a logged op
  // Corrupt the stored snapshot behind the worker's back (same origin: this page can open the database).
  await page.evaluate(async () => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction(['snapshot', 'log'], 'readwrite');
    tx.objectStore('snapshot').put({ bytes: new TextEncoder().encode('CFDS garbage').buffer, at: 1 }, 'latest');
    tx.objectStore('log').clear();
    tx.objectStore('log').add({ json: JSON.stringify({ op: 'ingest', turns: [{ id: 'cat', session: 'pets', role: 'user', text: 'My cat is called Miso.', time: '2024-03-01T09:00:00Z' }] }), at: 2 });
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    db.close();
  });
  const status = await restart(browser, page);
  assert.equal(status.snapshot, null, 'the corrupt snapshot is no longer the latest');
  assert.equal(status.quarantine?.size, 'CFDS garbage'.length, 'its bytes are kept under "quarantine"');
  assert.equal(status.errors[0]?.kind, 'snapshot', 'the error is surfaced');
  assert.equal((await op(page, { op: 'recall', text: "what's my cat's name?" })).hits[0]?.id, 'cat', 'the log was replayed');
  const kept = await page.evaluate(async () => {
    const db = await new Promise((res) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); });
    const rec = await new Promise((res) => { const r = db.transaction('snapshot').objectStore('snapshot').get('quarantine'); r.onsuccess = () => res(r.result); });
    return new TextDecoder().decode(rec.bytes);
  });
  assert.equal(kept, 'CFDS garbage');
});

test('a corrupt snapshot with a log that depends on it: snapshot and log are quarantined, no compaction ever clears them', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });
  const fact = await dogFact(page);
  assert.ok(fact, 'a fact was learned about the dog');
  const pin = { op: 'facts.pin', id: fact.id, pinned: true };
  // As if the ingest were in the snapshot and only the pin in the log; then the snapshot rots.
  await page.evaluate(async (json) => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction(['snapshot', 'log'], 'readwrite');
    tx.objectStore('snapshot').put({ bytes: new TextEncoder().encode('CFDS garbage').buffer, at: 1 }, 'latest');
    tx.objectStore('log').clear();
    tx.objectStore('log').add({ json, at: 2 });
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    db.close();
  }, JSON.stringify(pin));

  let status = await restart(browser, page);
  assert.equal(status.snapshot, null);
  assert.ok(status.degraded, `degraded is reported: ${JSON.stringify(status)}`);
  assert.equal(status.quarantine?.size, 'CFDS garbage'.length);
  assert.equal(status.quarantine?.log, 1, 'the log was copied into the quarantine');
  assert.ok(status.errors.some((e) => e.kind === 'snapshot'));

  const replies = await page.evaluate(async (time) => {
    const out = [];
    for (let i = 0; i < 250; i++) {
      out.push(await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'ingest', turns: [
        { id: `n${i}`, session: 's', role: 'user', text: `Note ${i}: supplier${i} ships on day ${i % 28}.`, time } ] } }));
    }
    return out;
  }, T);
  assert.ok(replies.every((r) => r.added === 1), 'every ingest acknowledged');
  status = await op(page, { op: 'status' });
  assert.equal(status.compactions, 0, 'no compaction while degraded');
  assert.equal(status.snapshot, null);
  assert.equal(status.log, 251, 'the log was never cleared');

  status = await restart(browser, page);
  assert.ok(status.degraded, 'still degraded after another restart');
  assert.equal(status.log, 251);
  assert.equal(status.engine.turns, 250);
  const kept = await page.evaluate(async () => {
    const db = await new Promise((res) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); });
    const keys = await new Promise((res) => { const r = db.transaction('snapshot').objectStore('snapshot').getAllKeys(); r.onsuccess = () => res(r.result); });
    const rec = await new Promise((res) => { const r = db.transaction('snapshot').objectStore('snapshot').get('quarantine'); r.onsuccess = () => res(r.result); });
    return { keys, bytes: new TextDecoder().decode(rec.bytes), log: rec.log.map((l) => l.json) };
  });
  assert.deepEqual(kept.keys, ['quarantine'], 'one quarantine, no latest');
  assert.equal(kept.bytes, 'CFDS garbage');
  assert.deepEqual(kept.log, [JSON.stringify(pin)], 'the quarantine holds the log record that needs the snapshot');
});

test('a log record that fails to replay over a good snapshot: both are copied to the quarantine, the snapshot stays, compaction is off', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  await page.evaluate(async (time) => {
    for (let i = 0; i < 205; i++) {
      await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'ingest', turns: [
        { id: `n${i}`, session: 's', role: 'user', text: `Note ${i}: supplier${i} ships on day ${i % 28}.`, time } ] } });
    }
  }, T);
  let status = await op(page, { op: 'status' });
  assert.ok(status.compactions >= 1 && status.snapshot, 'a snapshot was written');
  const bad = JSON.stringify({ op: 'facts.pin', id: 'no-such-fact', pinned: true });
  await page.evaluate(async (json) => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction('log', 'readwrite');
    tx.objectStore('log').add({ json, at: 3 });
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    db.close();
  }, bad);
  const size = status.snapshot.size, logged = status.log + 1;

  status = await restart(browser, page);
  assert.ok(status.degraded, `degraded: ${JSON.stringify(status.errors)}`);
  assert.equal(status.snapshot?.size, size, 'the snapshot that loaded stays in place');
  assert.equal(status.quarantine?.size, size, 'and a copy is quarantined');
  assert.equal(status.quarantine?.log, logged, 'with a copy of the whole log');
  assert.ok(status.errors.some((e) => e.kind === 'replay'));
  assert.equal(status.engine.turns, 205);
  await page.evaluate(async (time) => {
    for (let i = 0; i < 250; i++) {
      await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'ingest', turns: [
        { id: `m${i}`, session: 's', role: 'user', text: `Memo ${i}.`, time } ] } });
    }
  }, T);
  status = await op(page, { op: 'status' });
  assert.equal(status.compactions, 0, 'no compaction while degraded');
  assert.equal(status.log, logged + 250, 'the log was never cleared');
});

test('degraded mode is resolved from the manager: download the quarantine, keep the current state, compaction is back', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  page.on('dialog', (d) => d.accept());
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });
  const fact = await dogFact(page);
  const pin = JSON.stringify({ op: 'facts.pin', id: fact.id, pinned: true });
  const cat = JSON.stringify({ op: 'ingest', turns: [{ id: 'cat', session: 'pets', role: 'user', text: 'My cat is called Miso.', time: T }] });
  await page.evaluate(async (records) => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction(['snapshot', 'log'], 'readwrite');
    tx.objectStore('snapshot').put({ bytes: new TextEncoder().encode('CFDS garbage').buffer, at: 1 }, 'latest');
    tx.objectStore('log').clear();
    for (const json of records) tx.objectStore('log').add({ json, at: 2 });
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    db.close();
  }, [cat, pin]);
  let status = await restart(browser, page);
  assert.ok(status.degraded, 'degraded');
  const turns = status.engine.turns;

  // The manager shows it: a banner, and the Health section explains.
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();
  await page.getByRole('link', { name: 'Review it in Health' }).click();
  await page.getByRole('heading', { name: 'Some stored data could not be loaded' }).waitFor();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download quarantined data' }).click()]);
  const kept = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(kept.records.length, 1);
  assert.equal(Buffer.from(kept.records[0].snapshot, 'base64').toString(), 'CFDS garbage');
  assert.deepEqual(kept.records[0].log.map((l) => l.json), [cat, pin]);
  assert.equal(kept.records[0].kind, 'snapshot');

  await page.getByRole('button', { name: 'Resolve: keep the current state' }).click();
  await page.getByText('Resolved: the current state was kept').waitFor();
  await page.locator('#banner').waitFor({ state: 'hidden' });
  status = await op(page, { op: 'status' });
  assert.equal(status.degraded, null);
  assert.equal(status.quarantine, null);
  assert.equal(status.compactions, 1, 'compacted at once');
  assert.equal(status.log, 0);
  assert.ok(status.snapshot?.size > 0);
  const keys = await page.evaluate(async () => {
    const db = await new Promise((res) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); });
    return new Promise((res) => { const r = db.transaction('snapshot').objectStore('snapshot').getAllKeys(); r.onsuccess = () => res(r.result); });
  });
  assert.deepEqual(keys, ['latest'], 'the quarantine records are gone');

  status = await restart(browser, page);
  assert.equal(status.degraded, null, 'healthy after a restart');
  assert.deepEqual(status.errors, []);
  assert.equal(status.engine.turns, turns, 'the state that was kept');
  assert.equal((await op(page, { op: 'recall', text: "what's my cat's name?" })).hits[0]?.id, 'cat');
});

// everything the extension origin keeps on disk, as one string: every record
// of both databases, ArrayBuffers read as Latin-1 (a snapshot's literal text
// shows through its compression).
function diskText(page) {
  return page.evaluate(async () => {
    const dump = async (name) => {
      const db = await new Promise((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      let out = '';
      for (const store of db.objectStoreNames) {
        const all = await new Promise((res) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => res(r.result); });
        const walk = (v) => {
          if (v instanceof ArrayBuffer) out += new TextDecoder('latin1').decode(v);
          else if (ArrayBuffer.isView(v)) out += new TextDecoder('latin1').decode(v);
          else if (typeof v === 'string') out += v;
          else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
        };
        walk(all);
      }
      db.close();
      return out;
    };
    return (await dump('confidant')) + (await dump('confidant-prefs'));
  });
}

test('what the user deletes is gone from disk at once: a turn, a fact, everything', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  const MARK = 'Quillfeather';
  await op(page, { op: 'ingest', turns: [
    turn('pets', 'cat', `I have a cat named ${MARK}, she is a tabby.`, T),
    turn('work', 'job', 'I work as a carpenter at Oakline Joinery.', T),
  ] });
  await op(page, { op: 'ingest', turns: [turn('misc', 'm1', 'Remind me to water the ferns.', T)] });
  assert.ok((await diskText(page)).includes(MARK), 'the turn is on disk (the check can see it)');

  const { facts } = await op(page, { op: 'facts.list' });
  const cat = facts.find((f) => f.text.includes(MARK));
  assert.ok(cat, JSON.stringify(facts));
  assert.deepEqual(await op(page, { op: 'facts.delete', id: cat.id }), { ok: true });
  let disk = await diskText(page);
  assert.ok(disk.includes('tabby'), 'the turn is still there');
  assert.ok(!disk.includes(`Has a cat named ${MARK}`) && !disk.includes(cat.text), 'the deleted fact is gone from disk');
  assert.deepEqual(await op(page, { op: 'forget', turn: 'cat' }), { ok: true });
  disk = await diskText(page);
  assert.ok(!disk.includes(MARK), 'neither the turn nor the fact learned from it is left on disk');
  assert.ok(disk.includes('Oakline'), 'the rest is still there');

  assert.deepEqual(await op(page, { op: 'forget', all: true }), { ok: true });
  disk = await diskText(page);
  assert.ok(!disk.includes('Oakline') && !disk.includes('ferns'), 'delete everything leaves nothing on disk');
  const status = await restart(browser, page);
  assert.equal(status.engine.turns, 0);
  assert.equal(status.log, 0);
});

test('a log record that breaks the engine is quarantined and skipped: the next engine restores the rest instead of breaking on it forever', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  // The real Store over a real IndexedDB database of its own, with an engine
  // stand-in that traps (throws EngineError) on one record, as a module trap would.
  const outcome = await page.evaluate(async () => {
    const { openDB, Store } = await import('../background/store.js');
    const { EngineError } = await import('../background/engine.js');
    const db = await openDB('confidant-test-trap');
    const tx = db.transaction('log', 'readwrite');
    for (const text of ['one', 'TRAP', 'three']) tx.objectStore('log').add({ json: JSON.stringify({ op: 'ingest', text }), at: 1 });
    await new Promise((r) => { tx.oncomplete = r; });
    const engine = () => {
      const applied = [];
      return {
        applied,
        importSnapshot: () => ({}),
        call: () => ({}),
        callJSON(json) {
          const { text } = JSON.parse(json);
          if (text === 'TRAP') throw new EngineError('unreachable executed');
          applied.push(text);
          return { added: 1 };
        },
      };
    };
    const first = new Store(db, engine());
    let threw = null;
    try { await first.restore(); } catch (e) { threw = e instanceof EngineError ? e.message : String(e); }
    const second = new Store(db, engine());
    await second.restore();                       // a fresh engine, as service.start() makes
    const third = new Store(db, engine());
    await third.restore();                        // and every later start
    const status = await second.status();
    return { threw, applied: second.engine.applied, again: third.engine.applied, degraded: !!status.degraded, quarantined: status.quarantine?.log };
  });
  assert.equal(outcome.threw, 'unreachable executed', 'the first restore reports the broken engine');
  assert.deepEqual(outcome.applied, ['one', 'three'], 'the next engine restores everything but the record that broke the first');
  assert.deepEqual(outcome.again, ['one', 'three'], 'and so does every later start');
  assert.equal(outcome.degraded, true, 'degraded: the state may be partial, nothing is compacted away');
  assert.equal(outcome.quarantined, 3, 'the quarantine holds a copy of the whole log, the bad record included');
});
