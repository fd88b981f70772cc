// Messages from a content script on a web page: privileged ops are refused,
// malformed content messages are refused, well-formed ones work, the site is
// the sender's, and context needs a submit of the same prompt first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openManager, op, serve, stopWorker, turn } from './helpers.mjs';

const PAGE = '<!doctype html><title>chat fixture</title><p>fixture chat page</p>';

async function setup(t) {
  const server = await serve({ '/': PAGE });
  const browser = await launch({ contentScripts: [{ file: 'relay.js', matches: ['http://127.0.0.1/*'] }], grantHosts: ['*://127.0.0.1/*'] });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  await op(manager, { op: 'prefs.set', sites: { '127.0.0.1': true } });   // not a built-in site: off by default
  const web = await browser.ctx.newPage();
  await web.goto(server.url + '/');
  await web.waitForFunction(() => document.documentElement.dataset.relay === 'ready');
  const relay = (message) => web.evaluate((m) => new Promise((resolve) => {
    const id = Math.random().toString(36).slice(2);
    addEventListener('message', function on(e) {
      if (e.data?.relayed === id) { removeEventListener('message', on); resolve(e.data.reply); }
    });
    postMessage({ relay: id, message: m }, '*');
  }), message);
  return { browser, manager, relay, web };
}

test('a privileged op forged from a content script is refused and changes nothing', async (t) => {
  const { manager, relay } = await setup(t);
  await op(manager, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit.', '2024-03-01T09:00:00Z')] });
  for (const request of [{ op: 'forget', all: true }, { op: 'snapshot.export' }, { op: 'status' }]) {
    const reply = await relay({ kind: 'op', request });
    assert.equal(reply?.error?.code, 'forbidden', `${request.op}: ${JSON.stringify(reply)}`);
  }
  const status = await op(manager, { op: 'status' });
  assert.equal(status.engine.turns, 1, 'the data is still there');
  assert.equal((await op(manager, { op: 'recall', text: "what's my dog's name?" })).hits[0]?.id, 'dog');
});

test('malformed content messages are refused with bad_request; a good capture is stored', async (t) => {
  const { manager, relay } = await setup(t);
  const good = { kind: 'capture', session: 'c1', turn: { id: 'u1', role: 'user', text: 'I live in Porto.', time: '2024-03-01T09:00:00Z' } };
  const bad = [
    'not an object',
    { kind: 'nope' },
    { ...good, extra: 1 },
    { ...good, session: 5 },
    { ...good, site: 'Not A Site!' },
    { ...good, turn: { ...good.turn, role: 'system' } },
    { ...good, turn: { ...good.turn, time: 'yesterday' } },
    { ...good, turn: { ...good.turn, text: 'x'.repeat((64 << 10) + 1) } },
    { ...good, turn: { ...good.turn, op: 'forget' } },
    { kind: 'context', site: 'fixture' },
    { kind: 'context', site: 'fixture', text: 'hi', request: { op: 'forget', all: true } },
  ];
  for (const message of bad) {
    const reply = await relay(message);
    assert.equal(reply?.error?.code, 'bad_request', `${JSON.stringify(message).slice(0, 80)} → ${JSON.stringify(reply)}`);
  }
  assert.equal((await op(manager, { op: 'status' })).engine.turns, 0, 'nothing was stored');

  assert.equal((await relay({ ...good, session: 'a:b' }))?.error?.code, 'bad_request', 'no ":" in a session id');
  assert.equal((await relay({ ...good, turn: { ...good.turn, id: 'x:y' } }))?.error?.code, 'bad_request', 'no ":" in a turn id');

  // The message names another site: the turn is stored under the sender's host all the same.
  const stored = await relay({ ...good, site: 'evil.example' });
  assert.equal(stored.added, 1, JSON.stringify(stored));
  const hits = (await op(manager, { op: 'recall', text: 'where do I live?' })).hits;
  assert.equal(hits[0]?.id, '127.0.0.1:c1:u1', 'ids are namespaced by the sender\'s site, not the message\'s');
});

test('context is given only for a prompt just submitted in the same tab, once', async (t) => {
  const { manager, relay } = await setup(t);
  await op(manager, { op: 'ingest', turns: [turn('home', 'porto', 'I live in Porto.', '2024-03-01T09:00:00Z')] });
  const prompt = 'where do I live?';

  const probe = await relay({ kind: 'context', text: prompt });
  assert.equal(probe?.error?.code, 'forbidden', `no submit, no context: ${JSON.stringify(probe)}`);

  assert.deepEqual(await relay({ kind: 'submit', text: 'something else' }), { ok: true });
  assert.equal((await relay({ kind: 'context', text: prompt }))?.error?.code, 'forbidden', 'a submit of other text does not count');

  assert.deepEqual(await relay({ kind: 'submit', text: prompt }), { ok: true });
  const context = await relay({ kind: 'context', text: prompt });
  assert.match(context.text ?? '', /Porto/, JSON.stringify(context));
  assert.deepEqual(Object.keys(context).sort(), ['items', 'text']);
  assert.ok(context.items.length > 0);
  for (const item of context.items) {
    assert.deepEqual(Object.keys(item).filter((k) => !['kind', 'text', 'date'].includes(k)), [], `only kind, text, date: ${JSON.stringify(item)}`);
  }

  const again = await relay({ kind: 'context', text: prompt });
  assert.equal(again?.error?.code, 'forbidden', `a submit is consumed once: ${JSON.stringify(again)}`);
});

test('the pause and the per-site switch refuse content calls, durably; injections are recorded per tab', async (t) => {
  const { browser, manager, relay } = await setup(t);
  const capture = (id) => ({ kind: 'capture', session: 'c1', turn: { id, role: 'user', text: 'I live in Porto.', time: '2024-03-01T09:00:00Z' } });
  assert.equal((await relay(capture('u1'))).added, 1, 'on: captured');

  let prefs = await op(manager, { op: 'prefs.set', paused: true });
  assert.equal(prefs.paused, true);
  let reply = await relay(capture('u2'));
  assert.equal(reply?.error?.code, 'forbidden', JSON.stringify(reply));
  assert.match(reply.error.message, /paused/);
  assert.equal((await relay({ kind: 'submit', text: 'where do I live?' }))?.error?.code, 'forbidden', 'no submit while paused');
  assert.equal((await relay({ kind: 'preview', text: 'where do I live?', typed: true }))?.error?.code, 'forbidden', 'no preview while paused');

  // The switches outlive the worker.
  await stopWorker(browser, manager);
  assert.equal((await op(manager, { op: 'prefs.get' })).paused, true, 'the pause survived a worker restart');
  prefs = await op(manager, { op: 'prefs.set', paused: false, sites: { '127.0.0.1': false } });
  assert.deepEqual([prefs.paused, prefs.sites['127.0.0.1']], [false, false]);
  reply = await relay(capture('u3'));
  assert.match(reply?.error?.message ?? '', /off on 127\.0\.0\.1/, JSON.stringify(reply));
  reply = await relay({ kind: 'preview', text: 'where do I live?', typed: true });
  assert.match(reply?.error?.message ?? '', /off on 127\.0\.0\.1/, `no preview on a site that is off: ${JSON.stringify(reply)}`);
  assert.equal((await op(manager, { op: 'status' })).engine.turns, 1, 'nothing was stored while off');

  // Bad settings are refused with a reason and change nothing.
  for (const bad of [{ paused: 'yes' }, { sites: { 'Not A Host!': true } }, { sites: { 'a.example': 1 } }, { colour: 'red' }]) {
    const r = await op(manager, { op: 'prefs.set', ...bad });
    assert.ok(['invalid', 'bad_request'].includes(r?.error?.code), `${JSON.stringify(bad)}: ${JSON.stringify(r)}`);
  }
  assert.equal((await op(manager, { op: 'prefs.get' })).sites['127.0.0.1'], false);

  // Back on: a context given to the tab is recorded for the popup's view; other tabs see none of it.
  await op(manager, { op: 'prefs.set', sites: { '127.0.0.1': null } });
  await op(manager, { op: 'prefs.set', sites: { '127.0.0.1': true } });
  await relay({ kind: 'submit', text: 'where do I live?' });
  const context = await relay({ kind: 'context', text: 'where do I live?' });
  assert.match(context.text ?? '', /Porto/);
  const ids = (await manager.evaluate(() => chrome.tabs.query({}))).map((x) => x.id);
  const records = await Promise.all(ids.map((tab) => op(manager, { op: 'injected.get', tab })));
  assert.deepEqual(records.map((r) => r.injections.length).sort(), [...ids.map(() => 0).slice(1), 1], JSON.stringify(records));
  const injected = records.find((r) => r.injections.length);
  assert.equal(injected.injections[0].site, '127.0.0.1');
  assert.match(injected.injections[0].items.map((i) => i.text).join(' '), /Porto/);
  assert.equal((await op(manager, { op: 'injected.get', tab: -1 }))?.error?.code, 'invalid');
});

test('preview: schema-checked, keys instead of ids, exclusions honoured by preview and context, unknown keys fail closed', async (t) => {
  const { manager, relay } = await setup(t);
  await op(manager, { op: 'ingest', turns: [turn('home', 'porto', 'I live in Porto.', '2024-03-01T09:00:00Z')] });
  const prompt = 'where do I live?';
  for (const bad of [
    { kind: 'preview', text: prompt },                                        // not from typing
    { kind: 'preview', text: prompt, typed: 'yes' },
    { kind: 'preview', text: '', typed: true },
    { kind: 'preview', text: prompt, typed: true, exclude: 'abc' },
    { kind: 'preview', text: prompt, typed: true, exclude: ['porto'] },      // an id is not a key
    { kind: 'preview', text: prompt, typed: true, exclude: Array(33).fill('0123456789abcdef') },
    { kind: 'preview', text: prompt, typed: true, id: 'x' },
    { kind: 'context', text: prompt, exclude: ['XYZ'] },
  ]) {
    const reply = await relay(bad);
    assert.equal(reply?.error?.code, 'bad_request', `${JSON.stringify(bad).slice(0, 90)} → ${JSON.stringify(reply)}`);
  }

  const preview = await relay({ kind: 'preview', text: prompt, typed: true });
  assert.deepEqual(Object.keys(preview).sort(), ['items', 'text', 'tokens'], JSON.stringify(preview));
  assert.match(preview.text, /^\[confidant:memory\]/);
  assert.ok(Number.isInteger(preview.tokens) && preview.tokens > 0);
  assert.ok(preview.items.length >= 2, JSON.stringify(preview.items));
  for (const item of preview.items) {
    assert.deepEqual(Object.keys(item).sort(), ['date', 'key', 'kind', 'text'], `no id, category or reasons: ${JSON.stringify(item)}`);
    assert.match(item.key, /^[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(item).includes('porto:') && !item.key.includes('porto'), 'the key is not the id');
  }
  const again = await relay({ kind: 'preview', text: prompt, typed: true });
  assert.deepEqual(again.items.map((i) => i.key), preview.items.map((i) => i.key), 'keys are stable while the worker lives');

  // Removing an item: the preview and the context both leave it out.
  const gone = preview.items.find((i) => i.kind === 'memory' && i.text === 'I live in Porto.');
  assert.ok(gone, JSON.stringify(preview.items));
  const without = await relay({ kind: 'preview', text: prompt, typed: true, exclude: [gone.key] });
  assert.ok(!without.items.some((i) => i.key === gone.key) && !without.text.includes(gone.text), JSON.stringify(without));
  assert.ok(without.items.length > 0, 'the other items stay');
  assert.deepEqual(await relay({ kind: 'submit', text: prompt }), { ok: true });
  const context = await relay({ kind: 'context', text: prompt, exclude: [gone.key] });
  assert.deepEqual(Object.keys(context).sort(), ['items', 'text']);
  assert.ok(context.text && !context.text.includes(gone.text), JSON.stringify(context));
  assert.ok(!context.items.some((i) => i.text === gone.text));

  // A well-formed key the worker never gave out (it restarted): nothing is injected, and the submit is kept.
  assert.deepEqual(await relay({ kind: 'submit', text: prompt }), { ok: true });
  const stale = await relay({ kind: 'context', text: prompt, exclude: ['0123456789abcdef'] });
  assert.equal(stale?.error?.code, 'stale', JSON.stringify(stale));
  assert.equal((await relay({ kind: 'preview', text: prompt, typed: true, exclude: ['0123456789abcdef'] }))?.error?.code, 'stale');
  assert.match((await relay({ kind: 'context', text: prompt }))?.text ?? '', /Porto/, 'the submit was not consumed by the refusal');
  const injected = await Promise.all((await manager.evaluate(() => chrome.tabs.query({}))).map((x) => op(manager, { op: 'injected.get', tab: x.id })));
  assert.equal(injected.flatMap((r) => r.injections).length, 2, 'previews are not recorded as injections; the two contexts are');
});

test('preview is rate-limited per tab: a page cannot use it as a probing oracle', async (t) => {
  const { manager, relay } = await setup(t);
  await op(manager, { op: 'ingest', turns: [turn('home', 'porto', 'I live in Porto.', '2024-03-01T09:00:00Z')] });
  const replies = [];
  for (let i = 0; i < 21; i++) replies.push(await relay({ kind: 'preview', text: `where do I live? ${i}`, typed: true }));
  assert.ok(replies.slice(0, 20).every((r) => Array.isArray(r.items)), 'the first 20 are answered');
  assert.equal(replies[20]?.error?.code, 'rate_limited', JSON.stringify(replies[20]));
  assert.equal((await relay({ kind: 'preview', text: 'where do I live?', typed: true }))?.error?.code, 'rate_limited', 'still refused');
  // Other content kinds are not affected.
  assert.deepEqual(await relay({ kind: 'submit', text: 'where do I live?' }), { ok: true });
  assert.match((await relay({ kind: 'context', text: 'where do I live?' }))?.text ?? '', /Porto/);
});

test('state: answered even while off or paused (on: true | false), schema-checked', async (t) => {
  const { manager, relay } = await setup(t);
  assert.deepEqual(await relay({ kind: 'state' }), { on: true });
  assert.deepEqual(await relay({ kind: 'state', site: 'evil.example' }), { on: true }, 'the site is the sender\'s');
  for (const bad of [{ kind: 'state', extra: 1 }, { kind: 'state', site: 'Not A Site!' }, { kind: 'state', text: 'x' }]) {
    assert.equal((await relay(bad))?.error?.code, 'bad_request', JSON.stringify(bad));
  }
  await op(manager, { op: 'prefs.set', paused: true });
  assert.deepEqual(await relay({ kind: 'state' }), { on: false }, 'paused');
  await op(manager, { op: 'prefs.set', paused: false, sites: { '127.0.0.1': false } });
  assert.deepEqual(await relay({ kind: 'state' }), { on: false }, 'this site off');
  await op(manager, { op: 'prefs.set', sites: { '127.0.0.1': true } });
  assert.deepEqual(await relay({ kind: 'state' }), { on: true });
});

test('submit and context are rate-limited per tab (30 a minute each)', async (t) => {
  const { relay } = await setup(t);
  const submits = [];
  for (let i = 0; i < 31; i++) submits.push(await relay({ kind: 'submit', text: `prompt ${i}` }));
  assert.ok(submits.slice(0, 30).every((r) => r?.ok === true), JSON.stringify(submits.slice(0, 30)));
  assert.equal(submits[30]?.error?.code, 'rate_limited', JSON.stringify(submits[30]));
  const contexts = [];
  for (let i = 0; i < 31; i++) contexts.push(await relay({ kind: 'context', text: `never submitted ${i}` }));
  assert.ok(contexts.slice(0, 30).every((r) => r?.error?.code === 'forbidden'), 'refused calls count too');
  assert.equal(contexts[30]?.error?.code, 'rate_limited', JSON.stringify(contexts[30]));
  assert.equal((await relay({ kind: 'context', text: 'prompt 0' }))?.error?.code, 'rate_limited', 'even for a real submit');
  // Other kinds are not affected.
  assert.deepEqual(await relay({ kind: 'state' }), { on: true });
  assert.ok(Array.isArray((await relay({ kind: 'preview', text: 'prompt 0', typed: true })).items));
});

test('content calls from a plain-http page are refused unless it is this computer', async (t) => {
  const server = await serve({ '/': PAGE });
  const browser = await launch({
    contentScripts: [{ file: 'relay.js', matches: ['http://plain.example/*'] }],
    grantHosts: ['*://plain.example/*'],
    hostRules: `MAP plain.example 127.0.0.1:${new URL(server.url).port}`,
  });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  const on = await op(manager, { op: 'prefs.set', sites: { 'plain.example': true } });
  assert.equal(on.sites['plain.example'], true, JSON.stringify(on));
  const web = await browser.ctx.newPage();
  await web.goto('http://plain.example/');
  await web.waitForFunction(() => document.documentElement.dataset.relay === 'ready');
  const relay = (message) => web.evaluate((m) => new Promise((resolve) => {
    const id = Math.random().toString(36).slice(2);
    addEventListener('message', function on(e) { if (e.data?.relayed === id) { removeEventListener('message', on); resolve(e.data.reply); } });
    postMessage({ relay: id, message: m }, '*');
  }), message);
  const capture = { kind: 'capture', session: 'c1', turn: { id: 'u1', role: 'user', text: 'I live in Porto.', time: '2024-03-01T09:00:00Z' } };
  for (const message of [capture, { kind: 'state' }, { kind: 'submit', text: 'hi' }]) {
    const reply = await relay(message);
    assert.equal(reply?.error?.code, 'forbidden', `${message.kind}: ${JSON.stringify(reply)}`);
    assert.match(reply.error.message, /https/);
  }
  assert.equal((await op(manager, { op: 'status' })).engine.turns, 0, 'nothing stored');
});

test('a closed tab\'s injection record is dropped', async (t) => {
  const { manager, relay, web } = await setup(t);
  await op(manager, { op: 'ingest', turns: [turn('home', 'porto', 'I live in Porto.', '2024-03-01T09:00:00Z')] });
  assert.deepEqual(await relay({ kind: 'submit', text: 'where do I live?' }), { ok: true });
  assert.match((await relay({ kind: 'context', text: 'where do I live?' }))?.text ?? '', /Porto/);
  const ids = (await manager.evaluate(() => chrome.tabs.query({}))).map((x) => x.id);
  let tab;
  for (const id of ids) if ((await op(manager, { op: 'injected.get', tab: id })).injections.length) tab = id;
  assert.ok(Number.isInteger(tab), 'the web page\'s tab has a record');
  await web.close();
  for (let i = 0; (await op(manager, { op: 'injected.get', tab })).injections.length; i++) {
    if (i > 100) assert.fail('the closed tab\'s record is still there');
    await new Promise((r) => setTimeout(r, 100));
  }
});
