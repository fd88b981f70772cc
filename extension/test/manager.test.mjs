// From the manager page (an extension page): ingest, recall, context, and the
// search box rendering results as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openManager, op, turn } from './helpers.mjs';

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
