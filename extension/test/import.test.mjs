// Imports from ChatGPT and Claude through the manager's Data section: a zip
// read in the page and fed in chunks to the worker's staged import, the
// summary, dedup on a second import, refused files and cancel / a stopped
// worker leaving the store as it was, and durability of an applied import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openManager, op, stopWorker, turn, zip, fixture, bigChatGPT } from './helpers.mjs';

const T = '2024-03-01T09:00:00Z';

async function manager(t) {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  await page.getByRole('tab', { name: 'Data' }).click();
  return { browser, page };
}

// importFile picks a file (a path or {name, mimeType, buffer}), starts the
// import and resolves to the status once it is final.
async function importFile(page, file, format) {
  await page.getByLabel('Export file').setInputFiles(file);
  if (format) await page.getByLabel('Format', { exact: true }).selectOption(format);
  await page.getByRole('button', { name: 'Start import', exact: true }).click();
  return finished(page);
}

async function finished(page) {
  const status = page.locator('#chat-import-status');
  await page.waitForFunction(() => !document.querySelector('#chat-import-file').disabled
    && !/…$/.test(document.querySelector('#chat-import-status').textContent), null, { timeout: 60_000 });
  return { text: await status.textContent(), error: await status.evaluate((s) => s.classList.contains('error')) };
}

// state is what must not change when an import is refused or abandoned.
async function state(page) {
  const stats = await op(page, { op: 'stats' });
  const facts = (await op(page, { op: 'facts.list' })).facts.map((f) => f.id).sort();
  return { stats, facts };
}

const golden = async (path) => JSON.parse(await fixture(path));

test('a ChatGPT zip: progress, summary, recallable turns and facts; again adds nothing; survives a stopped worker', async (t) => {
  const { browser, page } = await manager(t);
  const json = await fixture('chatgpt/conversations.json');
  const g = await golden('chatgpt/conversations.golden.json');
  const archive = zip([{ name: 'user.json', data: '{"id":"user-x"}' }, { name: 'conversations.json', data: json }, { name: 'chat.html', data: '<html></html>' }]);
  const file = { name: 'chatgpt-export.zip', mimeType: 'application/zip', buffer: archive };

  const done = await importFile(page, file);
  assert.equal(done.error, false, done.text);
  assert.match(done.text, new RegExp(`^Imported the ChatGPT export: ${g.sessions.length} conversations, ${g.turns.length} messages and \\d+ facts added; 0 duplicates skipped\\.`));
  const facts = Number(done.text.match(/(\d+) facts added/)[1]);
  assert.ok(facts > 0, 'facts were learned from the user turns');
  // The progress view: full, with its numbers, described to assistive technology.
  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  assert.equal(await bar.getAttribute('aria-valuenow'), '100');
  assert.match(await bar.getAttribute('aria-valuetext'), new RegExp(`^100%: \\d+ KB of \\d+ KB read · ${g.sessions.length} conversations, ${g.turns.length} messages`));
  assert.match(await page.locator('#chat-import-count').textContent(), /KB read/);
  assert.equal(await page.getByRole('button', { name: 'Cancel import' }).isVisible(), false);

  const stats = await op(page, { op: 'stats' });
  assert.equal(stats.turns, g.turns.length);
  assert.equal(stats.sessions, g.sessions.length);
  const target = g.turns.find((x) => x.role === 'user' && /chess openings like I'm new/.test(x.text));
  const recall = await op(page, { op: 'recall', text: "explain chess openings like I'm new to it" });
  assert.equal(recall.hits?.[0]?.id, target.id, JSON.stringify(recall.hits?.slice(0, 2)));
  assert.ok((await op(page, { op: 'facts.list' })).facts.some((f) => /shellfish/i.test(f.text ?? f.value ?? '')), 'a fact about shellfish');
  let status = await op(page, { op: 'status' });
  assert.equal(status.log, 0, 'the import was saved as a snapshot, the log cleared');
  assert.ok(status.snapshot?.size > 0);
  assert.equal(status.imports, 1);

  if (process.env.CONFIDANT_SCREENSHOTS) {
    const dir = process.env.CONFIDANT_SCREENSHOTS;
    await mkdir(dir, { recursive: true });
    await page.setViewportSize({ width: 1000, height: 760 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#chat-import').scrollIntoViewIfNeeded();
    await page.locator('#chat-import').screenshot({ path: join(dir, 'manager-import.png') });
  }

  // The same file again: nothing added, every turn counted as a duplicate.
  const again = await importFile(page, file);
  assert.match(again.text, new RegExp(`^Imported the ChatGPT export: 0 conversations, 0 messages and 0 facts added; ${g.turns.length} duplicates skipped\\.`));
  assert.deepEqual(await op(page, { op: 'stats' }), stats);

  // Durable: a new worker restores the imported turns.
  const before = await stopWorker(browser, page);
  status = await op(page, { op: 'status' });
  assert.notEqual(status.instance, before, 'a new service worker instance answered');
  assert.deepEqual(status.errors, []);
  assert.equal(status.engine.turns, g.turns.length);
  assert.equal((await op(page, { op: 'recall', text: "explain chess openings like I'm new to it" })).hits?.[0]?.id, target.id);
});

test('a Claude conversations.json and a memories list, detected; the format can be chosen', async (t) => {
  const { page } = await manager(t);
  const g = await golden('claude/conversations.golden.json');
  const claude = await importFile(page, { name: 'conversations.json', mimeType: 'application/json', buffer: await fixture('claude/conversations.json') });
  assert.match(claude.text, new RegExp(`^Imported the Claude export: ${g.sessions.length} conversations, ${g.turns.length} messages and \\d+ facts added`));
  const hit = (await op(page, { op: 'recall', text: 'how do I fix a problem with my bouldering' })).hits?.[0];
  assert.match(hit?.id ?? '', /^claude\.ai:/);

  const memories = await fixture('chatgpt/memories.txt');
  const lines = (await golden('chatgpt/memories.golden.json')).facts.length;
  const mem = await importFile(page, { name: 'memories.txt', mimeType: 'text/plain', buffer: memories });
  assert.match(mem.text, new RegExp(`^Imported the memories list: 0 conversations, 0 messages and ${lines} facts added; 0 duplicates skipped\\.`));
  assert.ok((await op(page, { op: 'facts.list' })).facts.some((f) => /Leeds/.test(JSON.stringify(f))), 'a memory became a fact');

  // A memories list without the .txt name: the override says what it is.
  const stats = await op(page, { op: 'stats' });
  const again = await importFile(page, { name: 'memories', mimeType: 'application/octet-stream', buffer: memories }, 'memories');
  assert.match(again.text, new RegExp(`^Imported the memories list: 0 conversations, 0 messages and 0 facts added; ${lines} duplicates skipped\\.`));
  assert.deepEqual(await op(page, { op: 'stats' }), stats);
});

test('refused files: a damaged or truncated zip, a zip without conversations.json, malformed JSON — one specific error each, nothing changed', async (t) => {
  const { page } = await manager(t);
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });
  const before = await state(page);
  const json = await fixture('chatgpt/conversations.json');
  const good = zip([{ name: 'conversations.json', data: json }]);

  const damaged = Buffer.from(good);
  for (let i = 200; i < 400; i++) damaged[i] ^= 0x5a;          // inside the deflate data
  const flipped = zip([{ name: 'conversations.json', data: json }], { store: true });
  const at = flipped.indexOf('Chess openings');
  flipped[at] = 'K'.charCodeAt(0);                          // still valid JSON; the checksum tells
  const cases = [
    ['flipped.zip', flipped, /^“flipped\.zip” was not imported, nothing changed: it is damaged: conversations\.json fails its checksum$/],
    ['damaged.zip', damaged, /^“damaged\.zip” was not imported, nothing changed: it is damaged: conversations\.json (could not be decompressed|fails its checksum|holds)/],
    ['truncated.zip', good.subarray(0, good.length - 40), /^“truncated\.zip” was not imported, nothing changed: it is not a complete zip archive/],
    ['other.zip', zip([{ name: 'notes.txt', data: 'hello' }]), /^“other\.zip” was not imported, nothing changed: this zip has no conversations\.json/],
    ['conversations.json', Buffer.concat([json.subarray(0, 5000), Buffer.from([1]), json.subarray(5000)]), /^“conversations\.json” was not imported, nothing changed: .{10,}/],
    ['stored.zip', zip([{ name: 'conversations.json', data: Buffer.concat([json.subarray(0, 9000), json.subarray(9100)]) }], { store: true }), /^“stored\.zip” was not imported, nothing changed: .{10,}/],
  ];
  const messages = [];
  for (const [name, buffer, want] of cases) {
    const done = await importFile(page, { name, mimeType: 'application/octet-stream', buffer });
    assert.equal(done.error, true, `${name}: ${done.text}`);
    assert.match(done.text, want);
    messages.push(done.text);
    assert.deepEqual(await state(page), before, `unchanged after ${name}`);
  }
  for (const m of messages) t.diagnostic(m);
  assert.equal(new Set(messages.map((m) => m.replace(/^“[^”]+”/, ''))).size, messages.length, 'each error is specific');
  const status = await op(page, { op: 'status' });
  assert.deepEqual(status.errors, []);
  assert.equal(status.imports, 0);
});

// gate holds every import.feed after the first until open() is called, so
// that a test acts while an import is staged, between two feeds, for sure:
// held() resolves once the second feed is held (import.begin and the first
// feed have been answered by then). One gate per page.
async function gate(page) {
  await page.evaluate(() => {
    const send = chrome.runtime.sendMessage.bind(chrome.runtime);
    let feeds = 0, onHeld;
    globalThis.held = new Promise((resolve) => { onHeld = resolve; });
    globalThis.gate = new Promise((resolve) => { globalThis.openGate = resolve; });
    chrome.runtime.sendMessage = async (m) => {
      if (m?.request?.op === 'import.feed' && ++feeds > 1) {
        onHeld();
        await globalThis.gate;
      }
      return send(m);
    };
  });
  return { held: () => page.evaluate(() => globalThis.held), open: () => page.evaluate(() => globalThis.openGate()) };
}

// heldImport stores one turn, notes the state, then starts importing a big
// ChatGPT export from the manager and resolves once its second feed is held
// by the gate: an import staged in the worker, between two feeds.
async function heldImport(page) {
  await op(page, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T)] });
  const before = await state(page);
  const file = { name: 'big-export.zip', mimeType: 'application/zip', buffer: zip([{ name: 'conversations.json', data: await bigChatGPT(40) }]) };
  const g = await gate(page);
  await page.getByLabel('Export file').setInputFiles(file);
  await page.getByRole('button', { name: 'Start import', exact: true }).click();
  await g.held();
  return { before, g };
}

test('cancel mid-way: nothing changed, and the manager says so', async (t) => {
  const { browser, page } = await manager(t);
  const { before, g } = await heldImport(page);

  assert.match(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuetext'), /^\d+%: 1\.0 MB of \d\.\d MB read · \d+ conversations, \d+ messages, \d+ facts so far$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'chat-import-cancel', 'focus moved to Cancel');
  await page.keyboard.press('Enter');
  await g.open();
  const cancelled = await finished(page);
  assert.equal(cancelled.text, 'Import cancelled, nothing changed.');
  assert.deepEqual(await state(page), before);
});

// The worker is stopped between two feeds: the import staged in it is gone,
// the next feed reaches a new instance (not_found) and nothing is applied.
// (This test was a todo: when it shared a page with the cancel test, the
// second gate stacked on the first one and the bar still showed the cancelled
// import's progress, so the stop could land before import.begin, and the
// whole import then ran, and completed, on the new worker.)
test('a worker stopped mid-import: nothing changed, and the manager says so', async (t) => {
  const { browser, page } = await manager(t);
  const { before, g } = await heldImport(page);

  const instance = await stopWorker(browser, page);
  await g.open();
  const stopped = await finished(page);
  assert.equal(stopped.error, true, stopped.text);
  assert.equal(stopped.text, 'The import was interrupted (Confidant\'s background worker restarted), nothing changed: start again.');
  assert.deepEqual(await state(page), before);
  const status = await op(page, { op: 'status' });
  assert.notEqual(status.instance, instance, 'a new service worker instance answered');
  assert.equal(status.imports, 0);
});

test('a compaction while an import is staged saves none of it; an unfinished import is gone after a restart', async (t) => {
  const { browser, page } = await manager(t);
  const json = await fixture('chatgpt/conversations.json');
  const { import: id } = await op(page, { op: 'import.begin', format: 'chatgpt' });
  const fed = await op(page, { op: 'import.feed', import: id, data: json.subarray(0, 50_000).toString('base64') });
  assert.ok(fed.turns > 0, `turns were staged: ${JSON.stringify(fed)}`);
  await page.evaluate(async (time) => {
    for (let i = 0; i < 205; i++) {
      await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'ingest', turns: [
        { id: `n${i}`, session: 's', role: 'user', text: `Note ${i}: supplier${i} ships on day ${i % 28}.`, time }] } });
    }
  }, T);
  let status = await op(page, { op: 'status' });
  assert.ok(status.compactions >= 1, 'a compaction ran');
  assert.equal(status.engine.turns, 205, 'the staged turns are not in the state');

  await stopWorker(browser, page);
  status = await op(page, { op: 'status' });
  assert.equal(status.engine.turns, 205, 'nothing of the import was saved');
  const gone = await op(page, { op: 'import.feed', import: id, data: json.subarray(50_000).toString('base64') });
  assert.equal(gone.error?.code, 'not_found');

  // A check import parses only: its end saves nothing.
  const { import: check } = await op(page, { op: 'import.begin', format: 'chatgpt', check: true });
  await op(page, { op: 'import.feed', import: check, data: json.toString('base64') });
  const counted = await op(page, { op: 'import.end', import: check });
  assert.ok(counted.turns > 0);
  status = await op(page, { op: 'status' });
  assert.equal(status.engine.turns, 205);
  assert.equal(status.imports, 0);
});
