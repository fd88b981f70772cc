// From the manager page (an extension page): ingest, recall, context, and the
// search box rendering results as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openManager, op, stopWorker, turn } from './helpers.mjs';

export const CHATS = [
  turn('trip', 'trip-1', 'I am planning a trip to Kyoto in April to see the cherry blossoms.', '2024-03-01T09:00:00Z'),
  turn('trip', 'trip-2', 'Great idea! Book the ryokan early, April is busy.', '2024-03-01T09:00:05Z', 'assistant'),
  turn('pets', 'pets-1', 'My dog is called Biscuit and he is a beagle.', '2024-03-02T18:00:00Z'),
  turn('cook', 'cook-1', 'I am allergic to peanuts, so no satay please.', '2024-03-03T12:00:00Z'),
  turn('cook', 'cook-2', 'Noted: here is a peanut-free curry recipe.', '2024-03-03T12:00:10Z', 'assistant'),
];

test('manager page: ingest, recall, context, search box', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);

  const ingest = await op(page, { op: 'ingest', turns: CHATS });
  assert.equal(ingest.error, undefined, JSON.stringify(ingest.error));
  assert.equal(ingest.added, CHATS.length);

  const recall = await op(page, { op: 'recall', text: "what's my dog's name?", time: '2024-04-01T00:00:00Z' });
  assert.equal(recall.hits?.[0]?.id, 'pets-1', JSON.stringify(recall));

  const context = await op(page, { op: 'context', text: 'suggest a snack recipe for me', time: '2024-04-01T00:00:00Z' });
  assert.match(context.text, /^\[confidant:memory\]\n/);
  assert.match(context.text, /\[\/confidant:memory\]\n?$/);
  assert.match(context.text, /peanuts/);

  await page.getByLabel('Search your memories').fill('trip to Kyoto');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#results li').first().waitFor();
  const first = page.locator('#results li').first();
  assert.equal(await first.getAttribute('data-id'), 'trip-1');
  assert.match(await first.locator('.text').textContent(), /Kyoto/);

  const status = await op(page, { op: 'status' });
  assert.equal(status.log, 1, 'the ingest is in the log');
  assert.deepEqual(status.errors, []);
});

test('memories are rendered as text, never as HTML', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  const evil = '<img src=x onerror="document.title=\'pwned\'"> my favourite pizza is margherita';
  await op(page, { op: 'ingest', turns: [turn('s', 'x1', evil, '2024-03-01T09:00:00Z')] });
  await page.getByLabel('Search your memories').fill('favourite pizza');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#results li').first().waitFor();
  assert.equal(await page.locator('#results img').count(), 0);
  assert.match(await page.locator('#results .text').first().textContent(), /<img src=x/);
  assert.notEqual(await page.title(), 'pwned');
});

// ---- the manager's sections, driven through the UI ----

const FACT_CHATS = [
  turn('home1', 'lisbon', 'I live in Lisbon.', '2024-03-01T09:00:00Z'),
  turn('home2', 'porto', 'I live in Porto now.', '2024-05-01T09:00:00Z'),
  turn('doc', 'asthma', 'I have asthma and use an inhaler.', '2024-03-05T09:00:00Z'),
  turn('food', 'veg', 'I am vegetarian.', '2024-03-04T12:00:00Z'),
  turn('job', 'nurse', 'I work as a nurse at the city hospital.', '2024-03-04T12:00:00Z'),
];
const SESSIONS = [
  { id: 'trip', site: 'chatgpt.com', title: 'Planning Kyoto', start: '2024-03-01T09:00:00Z' },
  { id: 'pets', site: 'claude.ai', start: '2024-03-02T18:00:00Z' },
  { id: 'cook', site: 'chatgpt.com', title: 'Peanut-free cooking', start: '2024-03-03T12:00:00Z' },
];
const FACT_SESSIONS = [
  { id: 'home1', site: 'claude.ai', title: 'Flat hunting in Lisbon', start: '2024-03-01T09:00:00Z' },
  { id: 'home2', site: 'chatgpt.com', title: 'Moving to Porto', start: '2024-05-01T09:00:00Z' },
  { id: 'doc', site: 'gemini.google.com', start: '2024-03-05T09:00:00Z' },
  { id: 'food', site: 'www.perplexity.ai', title: 'Vegetarian meal plan', start: '2024-03-04T12:00:00Z' },
  { id: 'job', site: 'claude.ai', title: 'Night shift schedule', start: '2024-03-04T12:00:00Z' },
];

/** managerWith opens the manager with demo data; dialogs (confirmations) are accepted. */
async function managerWith(t, { facts = true } = {}) {
  const browser = await launch({ grantHosts: ["*://chat.example.com/*"] });   // stands in for the user's Allow when the settings test adds a site
  t.after(() => browser.close());
  const page = await openManager(browser);
  page.on('dialog', (d) => d.accept());
  const turns = facts ? [...CHATS, ...FACT_CHATS] : CHATS;
  const reply = await op(page, { op: 'ingest', sessions: facts ? [...SESSIONS, ...FACT_SESSIONS] : SESSIONS, turns });
  assert.equal(reply.added, turns.length, JSON.stringify(reply));
  return { browser, page };
}

const factBy = async (page, re, all = false) => (await op(page, { op: 'facts.list', superseded: all })).facts.find((f) => re.test(f.text));
const factItem = (page, id) => page.locator(`#facts-list li[data-id="${id}"]`);

test('manager facts: edit, pin, delete and the superseded toggle work end to end', async (t) => {
  const { page } = await managerWith(t);
  await page.getByRole('tab', { name: 'Facts' }).click();
  const porto = await factBy(page, /Porto/);
  assert.ok(porto, 'a fact about Porto was learned');
  await factItem(page, porto.id).waitFor();

  // Edit inline: statement, value, category and sensitivity.
  await factItem(page, porto.id).getByRole('button', { name: 'Edit' }).click();
  const form = factItem(page, porto.id);
  await form.getByLabel('Statement').fill('Lives in Braga');
  await form.getByLabel('Value').fill('Braga');
  await form.getByLabel('Sensitivity').selectOption('sensitive');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved: Lives in Braga' }).waitFor();
  let fact = (await op(page, { op: 'facts.list' })).facts.find((f) => f.id === porto.id);
  assert.equal(fact.text, 'Lives in Braga');
  assert.equal(fact.value, 'Braga');
  assert.equal(fact.sensitivity, 'sensitive');
  assert.equal(fact.user_edited, true);
  assert.match(await factItem(page, porto.id).locator('.text').textContent(), /Braga/);

  // Pin, then unpin.
  await factItem(page, porto.id).getByRole('button', { name: 'Pin', exact: true }).click();
  await factItem(page, porto.id).getByRole('button', { name: 'Unpin' }).waitFor();
  assert.equal((await factBy(page, /Braga/)).pinned, true);
  await factItem(page, porto.id).getByRole('button', { name: 'Unpin' }).click();
  await factItem(page, porto.id).getByRole('button', { name: 'Pin', exact: true }).waitFor();
  assert.equal((await factBy(page, /Braga/)).pinned ?? false, false);

  // Superseded facts appear only on request.
  const lisbon = await factBy(page, /Lisbon/, true);
  assert.ok(lisbon?.superseded_by, 'Lisbon was superseded by Porto');
  assert.equal(await factItem(page, lisbon.id).count(), 0);
  await page.getByLabel('Show superseded facts').check();
  await factItem(page, lisbon.id).waitFor();
  assert.match(await factItem(page, lisbon.id).locator('.meta').textContent(), /superseded/);
  await page.getByLabel('Show superseded facts').uncheck();
  await factItem(page, lisbon.id).waitFor({ state: 'detached' });

  // Category filter.
  await page.getByLabel('Category').selectOption('diet');
  await page.locator('#facts-list li').first().waitFor();
  const texts = await page.locator('#facts-list li .text').allTextContents();
  assert.ok(texts.length > 0 && texts.every((x) => /vegetarian|peanut/i.test(x)), JSON.stringify(texts));

  // Delete (the confirmation is accepted).
  const veg = await factBy(page, /vegetarian/i);
  await factItem(page, veg.id).getByRole('button', { name: 'Delete' }).click();
  await factItem(page, veg.id).waitFor({ state: 'detached' });
  assert.equal(await factBy(page, /vegetarian/i, true), undefined, 'the engine no longer has it');
});

test('facts and conversations are rendered as text, never as HTML', async (t) => {
  const { page } = await managerWith(t);
  const evil = '<img src=x onerror="document.title=\'pwned\'"> hello';
  const nurse = await factBy(page, /nurse/);
  await op(page, { op: 'facts.edit', id: nurse.id, text: evil });
  await op(page, { op: 'ingest', sessions: [{ id: 'evil', site: 'claude.ai', title: evil, start: '2024-06-01T00:00:00Z' }],
    turns: [turn('evil', 'evil-1', evil, '2024-06-01T00:00:00Z')] });
  await page.getByRole('tab', { name: 'Facts' }).click();
  await factItem(page, nurse.id).waitFor();
  assert.equal(await factItem(page, nurse.id).locator('.text').textContent(), evil);
  await page.getByRole('tab', { name: 'Conversations' }).click();
  const row = page.locator('#conv-list li[data-id="evil"]');
  await row.waitFor();
  assert.equal(await row.locator('.text').textContent(), evil);
  await row.getByRole('button').click();
  await page.locator('#conv-turns li').first().waitFor();
  assert.equal(await page.locator('#conv-turns .text').first().textContent(), evil);
  assert.equal(await page.locator('img').count(), 0);
  assert.notEqual(await page.title(), 'pwned');
});

test('manager settings: consent for a sensitive category changes what context returns; token budget with range errors', async (t) => {
  const { page } = await managerWith(t);
  const asthma = await factBy(page, /asthma/i);
  assert.equal(asthma?.sensitivity, 'sensitive', 'health facts are sensitive');
  const prompt = { op: 'context', text: 'what should I keep in mind about my health and asthma when I go running?', time: '2024-06-01T00:00:00Z' };
  const given = async () => (await op(page, prompt)).items.some((i) => i.id === asthma.id);
  assert.equal(await given(), false, 'not injected without consent');

  await page.getByRole('tab', { name: 'Settings' }).click();
  const consent = page.getByLabel(/Allow health facts/);
  await consent.check();
  await page.getByText('health facts may now be given').waitFor();
  assert.deepEqual((await op(page, { op: 'settings.get' })).consent, ['health']);
  assert.equal(await given(), true, 'injected with consent');
  await consent.uncheck();
  await page.getByText('health facts will not be given').waitFor();
  assert.equal(await given(), false, 'consent withdrawn');

  await page.getByLabel('Token budget per prompt').fill('10');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#settings-status.error').filter({ hasText: /token_budget must be between 50 and 4000/ }).waitFor();
  assert.equal((await op(page, { op: 'settings.get' })).token_budget, 300, 'unchanged');
  await page.getByLabel('Token budget per prompt').fill('120');
  await page.getByLabel('Memories per prompt').fill('3');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved: up to 120 tokens').waitFor();
  const s = await op(page, { op: 'settings.get' });
  assert.equal(s.token_budget, 120);
  assert.equal(s.max_memories, 3);

  // Sites: pause, a switch, add a host.
  await page.getByLabel('Pause Confidant everywhere').check();
  await page.getByText('Confidant is paused everywhere.').waitFor();
  assert.equal((await op(page, { op: 'prefs.get' })).paused, true);
  await page.getByLabel('claude.ai', { exact: true }).uncheck();
  await page.getByText('claude.ai is off.').waitFor();
  await page.getByLabel('Add a site (host name)').fill('https://Chat.Example.com/c/1');
  await page.getByRole('button', { name: 'Add site' }).click();
  await page.getByText('chat.example.com is on.').waitFor();
  const prefs = await op(page, { op: 'prefs.get' });
  assert.deepEqual(prefs.sites, { 'claude.ai': false, 'chat.example.com': true });
});

test('manager conversations: filter by site and time, page, read, delete a turn and a conversation', async (t) => {
  const { page } = await managerWith(t, { facts: false });
  await page.getByRole('tab', { name: 'Conversations' }).click();
  await page.locator('#conv-list li').nth(2).waitFor();
  assert.deepEqual(await page.locator('#conv-list li').evaluateAll((l) => l.map((x) => x.dataset.id)), ['cook', 'pets', 'trip'], 'newest first');

  await page.getByLabel('Site', { exact: true }).fill('chatgpt.com');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('2 conversations').waitFor();
  await page.getByLabel('Site', { exact: true }).fill('');
  await page.getByLabel('From', { exact: true }).fill('2024-03-02');
  await page.getByLabel('To', { exact: true }).fill('2024-03-02');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('1 conversation', { exact: true }).waitFor();
  assert.deepEqual(await page.locator('#conv-list li').evaluateAll((l) => l.map((x) => x.dataset.id)), ['pets']);
  await page.getByLabel('From', { exact: true }).fill('');
  await page.getByLabel('To', { exact: true }).fill('');

  // Paging: 20 a page.
  const more = Array.from({ length: 22 }, (_, i) => turn(`n${i}`, `n${i}-1`, `Note number ${i} about the garden.`, `2024-04-${String(i + 1).padStart(2, '0')}T10:00:00Z`));
  await op(page, { op: 'ingest', turns: more });
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('1–20 of 25').waitFor();
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('21–25 of 25').waitFor();
  assert.equal(await page.locator('#conv-list li').count(), 5);
  assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);

  // Open one, delete a turn, then the conversation.
  await page.locator('#conv-list li[data-id="cook"]').getByRole('button', { name: 'Peanut-free cooking' }).click();
  await page.getByRole('heading', { name: 'Peanut-free cooking' }).waitFor();
  assert.equal(await page.locator('#conv-turns li').count(), 2);
  await page.locator('#conv-turns li[data-id="cook-2"]').getByRole('button', { name: 'Delete message' }).click();
  await page.getByText('Message deleted.').waitFor();
  assert.equal(await page.locator('#conv-turns li').count(), 1);
  assert.equal((await op(page, { op: 'sessions.get', id: 'cook' })).turns.length, 1);
  await page.getByRole('button', { name: 'Delete this conversation' }).click();
  await page.getByText('Deleted “Peanut-free cooking”.').waitFor();
  assert.equal((await op(page, { op: 'sessions.get', id: 'cook' })).error?.code, 'not_found');
  assert.equal((await op(page, { op: 'sessions.list' })).total, 24);
});

/** state is what a round trip must preserve: the counts and a recall. */
async function state(page) {
  const stats = await op(page, { op: 'stats' });
  const recall = (await op(page, { op: 'recall', text: "what's my dog's name?", time: '2024-06-01T00:00:00Z' })).hits.map((h) => [h.id, h.text]);
  const facts = (await op(page, { op: 'facts.list', superseded: true })).facts.map((f) => [f.id, f.text, f.pinned ?? false]).sort();
  return { stats, recall, facts };
}

test('manager data: full backup (.cfds) → delete everything → restore replaces and gives the same state; a corrupt file is refused and changes nothing', async (t) => {
  const { page } = await managerWith(t);
  await op(page, { op: 'facts.pin', id: (await factBy(page, /Porto/)).id, pinned: true });
  const before = await state(page);
  assert.ok(before.stats.turns > 0 && before.recall.length > 0);

  await page.getByRole('tab', { name: 'Data' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download a full backup (.cfds)' }).click()]);
  assert.match(download.suggestedFilename(), /^confidant-\d{4}-\d{2}-\d{2}\.cfds$/);
  const file = await download.path();
  const bytes = await readFile(file);
  assert.equal(bytes.subarray(0, 4).toString(), 'CFDS', 'the engine\'s snapshot format');
  await page.getByText(/Saved a full backup/).waitFor();

  // Delete everything: needs the typed confirmation.
  const wipe = page.getByRole('button', { name: 'Delete everything' });
  assert.equal(await wipe.isDisabled(), true);
  await page.getByLabel('Type “delete everything” to confirm').fill('delete everything');
  await wipe.click();
  await page.getByText('Everything was deleted.').waitFor();
  const empty = await op(page, { op: 'stats' });
  assert.equal(empty.turns, 0);
  assert.equal(empty.facts, 0);

  // Import the export: the same state.
  await page.getByLabel('Backup file to restore (.cfds)').setInputFiles(file);
  await page.getByRole('button', { name: 'Restore and replace everything' }).click();
  await page.getByText(/^Restored:/).waitFor();
  const after = await state(page);
  assert.deepEqual(after, before, 'the round trip preserved the state');

  // A corrupt file: an error that says so, and the store is unchanged.
  await page.getByLabel('Backup file to restore (.cfds)').setInputFiles({ name: 'broken.cfds', mimeType: 'application/octet-stream', buffer: Buffer.concat([bytes.subarray(0, 40), Buffer.from('garbage')]) });
  await page.getByRole('button', { name: 'Restore and replace everything' }).click();
  const error = page.locator('#import-status.error');
  await error.waitFor();
  assert.match(await error.textContent(), /not restored, nothing changed: ./);
  assert.deepEqual(await state(page), before, 'unchanged after a refused import');
  const status = await op(page, { op: 'status' });
  assert.deepEqual(status.errors, []);
});

// ---- exports in open formats (docs/formats.md) and the import that merges them ----

/** snap is state() plus the engine's state hash (records, stamps, tombstones). */
async function snap(page) {
  return { ...(await state(page)), hash: (await op(page, { op: 'state.hash' })).hash };
}

/** exported clicks an export button (or submits the age form) and returns the download's name and bytes. */
async function exported(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

async function wipeAll(page) {
  await page.getByLabel('Type “delete everything” to confirm').fill('delete everything');
  await page.getByRole('button', { name: 'Delete everything' }).click();
  await page.getByText('Everything was deleted.').waitFor();
  assert.equal((await op(page, { op: 'stats' })).turns, 0);
}

/** importFile imports through the "Import a Confidant export" form and returns the status element once settled. */
async function importFile(page, file, passphrase) {
  await page.getByLabel('Confidant export to add (.json or .age)').setInputFiles(file);
  if (passphrase !== undefined) {
    await page.getByLabel('Passphrase of the file').waitFor();
    await page.getByLabel('Passphrase of the file').fill(passphrase);
  }
  await page.getByRole('button', { name: 'Import and add' }).click();
  const status = page.locator('#merge-status');
  await page.waitForFunction(() => /^(Imported|“)/.test(document.querySelector('#merge-status').textContent), null, { timeout: 60_000 });
  return status;
}

/** freshManager opens the manager of a new, empty profile (another browser: "elsewhere"). */
async function freshManager(t) {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  page.on('dialog', (d) => d.accept());
  await page.getByRole('tab', { name: 'Data' }).click();
  return { browser, page };
}

test('manager data: export JSON → import into an empty profile gives the same state hash (also after a worker restart); after delete everything, deletions win and the import says so; "Bring back" restores them durably', async (t) => {
  const { browser, page } = await managerWith(t);
  await op(page, { op: 'facts.pin', id: (await factBy(page, /Porto/)).id, pinned: true });
  await op(page, { op: 'settings.set', token_budget: 420, max_memories: 4, consent: ['health'] });
  const before = await snap(page);
  assert.ok(before.stats.turns > 0 && before.recall.length > 0 && before.facts.length > 0);

  await page.getByRole('tab', { name: 'Data' }).click();
  const json = await exported(page, () => page.getByRole('button', { name: 'Export as JSON' }).click());
  assert.match(json.name, /^confidant-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(json.bytes.toString());
  assert.equal(doc.format, 'confidant-export');
  assert.equal(doc.version, 1);
  assert.equal(doc.sessions.flatMap((s) => s.turns).length, before.stats.turns);
  await page.getByText(/^Exported confidant-.*\.json/).waitFor();
  const file = { name: json.name, mimeType: 'application/json', buffer: json.bytes };

  // Into an empty profile: everything, settings included; the same state hash.
  const other = await freshManager(t);
  const status = await importFile(other.page, file);
  assert.match(await status.textContent(), new RegExp(`^Imported “${json.name}”: ${before.stats.sessions} conversations, ${before.stats.turns} messages and ${before.stats.facts} facts added\\. Settings taken from the file\\.`));
  assert.equal(await status.evaluate((e) => e.classList.contains('error')), false);
  assert.deepEqual(await snap(other.page), before, 'the round trip restored the same state (state.hash equal)');
  assert.deepEqual((await op(other.page, { op: 'settings.get' })).consent, ['health']);
  // The merge was saved before it was acknowledged: a new worker has it.
  await stopWorker(other.browser, other.page);
  assert.deepEqual(await snap(other.page), before, 'the import survived a worker restart');
  const st = await op(other.page, { op: 'status' });
  assert.equal(st.log, 0, 'an import is saved as a snapshot, never logged (it carries the whole file)');
  assert.deepEqual(st.errors, []);

  // Here, after delete everything: the deletions are newer than the file, so
  // importing it brings nothing back (a merge never overwrites) and says why.
  await wipeAll(page);
  const empty = await snap(page);
  const again = await importFile(page, file);
  const items = before.stats.sessions + before.stats.turns + before.facts.length;
  assert.match(await again.textContent(), new RegExp(`: 0 conversations, 0 messages and 0 facts added; ${items} items in this file were deleted here after it was made \\(${before.stats.sessions} conversations, ${before.stats.turns} messages, ${before.facts.length} facts\\), so they were not added\\.`));
  assert.deepEqual(await snap(page), empty);

  // "Bring back" imports the same file again with restore_deleted: the
  // items are back (recall, facts, counts), as new edits of this profile.
  const bring = page.getByRole('button', { name: `Bring back ${items} deleted items` });
  await bring.click();
  await page.getByText(new RegExp(`^Imported “${json.name}”: 0 conversations, 0 messages and 0 facts added; ${items} deleted items brought back \\(`)).waitFor();
  assert.equal(await bring.isHidden(), true, 'the offer is gone once used');
  const back = await state(page);
  assert.deepEqual(back, await state(other.page), 'the same records as the file holds');
  assert.deepEqual(back.facts, before.facts);
  assert.deepEqual(back.recall, before.recall);
  assert.equal(back.stats.turns, before.stats.turns);
  // Saved before it was acknowledged: a new worker has it.
  await stopWorker(browser, page);
  assert.deepEqual(await state(page), back, 'the restored items survived a worker restart');
  // Importing the file once more finds everything here.
  const once = await importFile(page, file);
  assert.doesNotMatch(await once.textContent(), /deleted here after/);
  assert.equal(await bring.isHidden(), true);
});

test('manager data: encrypted export (.age): wrong passphrase is refused and changes nothing; the right one restores', async (t) => {
  const { page } = await managerWith(t);
  const before = await snap(page);
  await page.getByRole('tab', { name: 'Data' }).click();

  // Passphrase checks happen before any work.
  const pass = page.getByLabel('Passphrase', { exact: true });
  await pass.fill('short');
  await page.locator('#age-strength').filter({ hasText: 'Too short' }).waitFor();
  await page.getByRole('button', { name: 'Export encrypted (.age)' }).click();
  await page.locator('#export-status.error').filter({ hasText: 'Too short' }).waitFor();
  await pass.fill('correct horse battery staple');
  await page.locator('#age-strength').filter({ hasText: 'Strong' }).waitFor();
  await page.getByLabel('Passphrase again').fill('correct horse battery stapel');
  await page.getByRole('button', { name: 'Export encrypted (.age)' }).click();
  await page.locator('#export-status.error').filter({ hasText: 'the two passphrases differ' }).waitFor();

  await page.getByLabel('Passphrase again').fill('correct horse battery staple');
  const age = await exported(page, () => page.getByRole('button', { name: 'Export encrypted (.age)' }).click());
  assert.match(age.name, /^confidant-\d{4}-\d{2}-\d{2}\.age$/);
  assert.equal(age.bytes.subarray(0, 22).toString(), 'age-encryption.org/v1\n');
  assert.equal(age.bytes.includes(Buffer.from('Biscuit')), false, 'encrypted');
  await page.getByText(/^Exported confidant-.*\.age.*encrypted/).waitFor();
  assert.equal(await pass.inputValue(), '', 'the passphrase is not kept in the form');

  const other = await freshManager(t);
  const empty = await snap(other.page);
  const file = { name: age.name, mimeType: 'application/octet-stream', buffer: age.bytes };
  let status = await importFile(other.page, file, 'Tr0ub4dor&3');
  assert.equal(await status.evaluate((e) => e.classList.contains('error')), true);
  assert.equal(await status.textContent(), `“${age.name}” was not imported, nothing changed: wrong passphrase. Check it and try again.`);
  assert.deepEqual(await snap(other.page), empty, 'a wrong passphrase changed nothing');

  status = await importFile(other.page, file, 'correct horse battery staple');
  assert.match(await status.textContent(), /^Imported “.*\.age”: \d+ conversations, \d+ messages and \d+ facts added/);
  assert.deepEqual(await snap(other.page), before, 'the right passphrase restored the same state');
  assert.equal(await other.page.getByLabel('Passphrase of the file').isHidden(), true);
  assert.equal((await op(other.page, { op: 'status' })).log, 0, 'import.age (and its passphrase) is never logged');

  // After delete everything, the same file brings nothing back and says so;
  // "Bring back" re-imports it with the passphrase given for that import
  // (kept in the page only until used), and the items are back.
  const restored = await state(other.page);
  await wipeAll(other.page);
  status = await importFile(other.page, file, 'correct horse battery staple');
  const items = before.stats.sessions + before.stats.turns + before.facts.length;
  assert.match(await status.textContent(), new RegExp(`; ${items} items in this file were deleted here after it was made`));
  await other.page.getByRole('button', { name: `Bring back ${items} deleted items` }).click();
  await other.page.getByText(new RegExp(`^Imported “.*\\.age”: 0 conversations, 0 messages and 0 facts added; ${items} deleted items brought back`)).waitFor();
  assert.deepEqual(await state(other.page), restored, 'the items are back');
  assert.equal(await other.page.getByLabel('Passphrase of the file').inputValue().catch(() => ''), '', 'the passphrase is not left in the form');
});

test('manager data: Markdown export downloads a readable file with the facts', async (t) => {
  const { page } = await managerWith(t);
  const nurse = await factBy(page, /nurse/);
  await page.getByRole('tab', { name: 'Data' }).click();
  const md = await exported(page, () => page.getByRole('button', { name: 'Export as Markdown' }).click());
  assert.match(md.name, /^confidant-\d{4}-\d{2}-\d{2}\.md$/);
  const text = md.bytes.toString('utf8');
  assert.match(text, /^# /m, 'a Markdown heading');
  assert.ok(text.includes(nurse.text), `the fact "${nurse.text}" is in the file`);
  assert.match(text, /Biscuit/, 'and the conversations');
  await page.getByText(/^Exported confidant-.*\.md/).waitFor();
});

test('manager data: importing JSON into a non-empty profile merges (a turn added elsewhere survives); a malformed file is refused with its specific error and changes nothing', async (t) => {
  const { page } = await managerWith(t);
  await page.getByRole('tab', { name: 'Data' }).click();
  const json = await exported(page, () => page.getByRole('button', { name: 'Export as JSON' }).click());
  const exportedTurns = (await op(page, { op: 'stats' })).turns;

  // Elsewhere: a profile that captured one conversation of its own.
  const other = await freshManager(t);
  const elsewhere = turn('garden', 'garden-1', 'My tomato plants need repotting this weekend.', '2024-07-01T08:00:00Z');
  assert.equal((await op(other.page, { op: 'ingest', turns: [elsewhere] })).added, 1);
  const file = { name: 'profile.json', mimeType: 'application/json', buffer: json.bytes };
  let status = await importFile(other.page, file);
  assert.match(await status.textContent(), new RegExp(`^Imported “profile.json”: \\d+ conversations, ${exportedTurns} messages and \\d+ facts added\\. Now stored: \\d+ conversations, ${exportedTurns + 1} messages`));
  assert.doesNotMatch(await status.textContent(), /Settings taken/, 'a non-empty profile keeps its settings');
  assert.equal((await op(other.page, { op: 'sessions.get', id: 'garden' })).turns?.[0]?.id, 'garden-1', 'the turn added elsewhere survives');
  assert.equal((await op(other.page, { op: 'sessions.get', id: 'trip' })).turns?.length, 2, 'and the file\'s turns were added');
  const merged = await snap(other.page);
  assert.equal(merged.stats.turns, exportedTurns + 1);

  // The same file again adds nothing.
  status = await importFile(other.page, file);
  assert.match(await status.textContent(), /: 0 conversations, 0 messages and 0 facts added; \d+ skipped/);
  assert.deepEqual(await snap(other.page), merged);

  // Malformed: one specific error naming the defect, and nothing changes.
  const doc = JSON.parse(json.bytes.toString());
  doc.sessions[1].turns[0].role = 'robot';
  doc.sessions[1].turns[0].id = 'new-turn-that-would-be-added';
  status = await importFile(other.page, { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  assert.equal(await status.evaluate((e) => e.classList.contains('error')), true);
  assert.match(await status.textContent(), /^“bad\.json” was not imported, nothing changed: .*sessions\[1\]\.turns\[0\].*role must be "user" or "assistant"/);
  status = await importFile(other.page, { name: 'cut.json', mimeType: 'application/json', buffer: json.bytes.subarray(0, json.bytes.length >> 1) });
  assert.match(await status.textContent(), /^“cut\.json” was not imported, nothing changed: ./);
  status = await importFile(other.page, { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('hello, not JSON') });
  assert.equal(await status.textContent(), '“notes.json” was not imported, nothing changed: it is not a Confidant export (a JSON file starting with “{” or an encrypted .age file).');
  assert.deepEqual(await snap(other.page), merged, 'refused files changed nothing');
  assert.deepEqual((await op(other.page, { op: 'status' })).errors, []);
});

test('manager: light and dark themes; keyboard tabs', async (t) => {
  const { page } = await managerWith(t);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await bg();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bg();
  assert.notEqual(dark, light, `dark ${dark} vs light ${light}`);
  await page.emulateMedia({ colorScheme: 'light' });
  // Arrow keys move between the section tabs; the panel follows.
  await page.getByRole('tab', { name: 'Search' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Facts');
  assert.equal(await page.getByRole('tabpanel', { name: 'Facts' }).isVisible(), true);
  // Every control has an accessible name.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, button')]
    .filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || c.textContent.trim())).map((c) => c.outerHTML));
  assert.deepEqual(unnamed, []);
});

test('screenshots of the manager (CONFIDANT_SCREENSHOTS=<dir>)', { skip: !process.env.CONFIDANT_SCREENSHOTS }, async (t) => {
  const dir = process.env.CONFIDANT_SCREENSHOTS;
  await mkdir(dir, { recursive: true });
  const { page } = await managerWith(t);
  await op(page, { op: 'facts.pin', id: (await factBy(page, /Porto/)).id, pinned: true });
  await page.setViewportSize({ width: 1000, height: 820 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('tab', { name: 'Facts' }).click();
  await page.locator('#facts-list li').nth(3).waitFor();
  await page.screenshot({ path: join(dir, 'manager-facts.png') });
  await page.getByRole('tab', { name: 'Conversations' }).click();
  await page.locator('#conv-list li').nth(3).waitFor();
  await page.screenshot({ path: join(dir, 'manager-conversations.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('tab', { name: 'Facts' }).click();
  await page.locator('#facts-list li').nth(3).waitFor();
  await page.screenshot({ path: join(dir, 'manager-dark.png') });
});
