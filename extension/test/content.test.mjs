// Messages from a content script on a web page: privileged ops are refused,
// malformed content messages are refused, well-formed ones work, the site is
// the sender's, and context needs a submit of the same prompt first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openManager, op, serve, turn } from './helpers.mjs';

const PAGE = '<!doctype html><title>chat fixture</title><p>fixture chat page</p>';

async function setup(t) {
  const server = await serve({ '/': PAGE });
  const browser = await launch({ contentScripts: [{ file: 'relay.js', matches: ['http://127.0.0.1/*'] }] });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
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
  return { manager, relay };
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
