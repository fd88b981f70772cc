// The toolbar popup: the current site's switch and the global pause persist
// (prefs.get), "given to the assistant in this tab" lists what a tab was
// injected, as text, newest first; a degraded store shows a warning.
// A test cannot click the toolbar button, so the popup is opened as a page
// with ?tab=ID&url=URL standing in for the active tab (without them the
// shipped popup reads the active tab).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openManager, op, serve, serveSite, turn } from './helpers.mjs';

async function openPopup(browser, tab, url, colorScheme = 'light') {
  const page = await browser.ctx.newPage();
  await page.setViewportSize({ width: 360, height: 560 });
  await page.emulateMedia({ colorScheme });
  await page.goto(`chrome-extension://${browser.id}/ui/popup.html?tab=${tab}&url=${encodeURIComponent(url)}`);
  return page;
}

test('popup: the site switch and the pause persist; built-in sites are on by default, others off', async (t) => {
  const browser = await launch({ grantHosts: ['*://chat.example.com/*'] });   // stands in for the user's Allow
  t.after(() => browser.close());
  const manager = await openManager(browser);

  let popup = await openPopup(browser, 1, 'https://chat.example.com/c/1');
  const site = popup.getByRole('switch', { name: 'On for chat.example.com' });
  await popup.getByText('off unless you turn it on').waitFor();
  assert.equal(await site.isChecked(), false, 'not a built-in site: off');
  await site.check();
  await popup.getByText('Confidant is on for chat.example.com').waitFor();
  assert.equal((await op(manager, { op: 'prefs.get' })).sites['chat.example.com'], true);
  await popup.getByRole('switch', { name: 'Pause everywhere' }).check();
  await popup.getByText('Confidant is paused everywhere.').waitFor();
  assert.equal((await op(manager, { op: 'prefs.get' })).paused, true);

  await popup.reload();
  await popup.getByText('off unless you turn it on').waitFor();
  assert.equal(await popup.getByRole('switch', { name: 'On for chat.example.com' }).isChecked(), true, 'persisted');
  assert.equal(await popup.getByRole('switch', { name: 'Pause everywhere' }).isChecked(), true, 'persisted');
  await popup.getByRole('switch', { name: 'Pause everywhere' }).uncheck();
  await popup.getByText('Confidant is running.').waitFor();
  assert.equal((await op(manager, { op: 'prefs.get' })).paused, false);

  popup = await openPopup(browser, 1, 'https://claude.ai/chat/x');
  await popup.getByText('on unless you turn it off').waitFor();
  const claude = popup.getByRole('switch', { name: 'On for claude.ai' });
  assert.equal(await claude.isChecked(), true, 'a built-in site: on');
  await claude.uncheck();
  await popup.getByText('Confidant is off for claude.ai').waitFor();
  assert.equal((await op(manager, { op: 'prefs.get' })).sites['claude.ai'], false);

  popup = await openPopup(browser, 1, 'chrome://settings/');
  await popup.getByText('Confidant works on web pages only.').waitFor();
  assert.equal(await popup.getByRole('switch', { name: 'This page' }).isDisabled(), true);

  // The manager button opens the manager in a tab.
  const [opened] = await Promise.all([browser.ctx.waitForEvent('page'), popup.getByRole('button', { name: 'Open the memory manager' }).click()]);
  await opened.waitForLoadState();
  assert.match(opened.url(), /\/ui\/manager\.html(#search)?$/);
});

test('popup: what was given to the assistant in this tab, as text, newest first', async (t) => {
  const server = await serve({ '/': '<!doctype html><title>chat</title><p>chat fixture</p>' });
  const browser = await launch({ contentScripts: [{ file: 'relay.js', matches: ['http://127.0.0.1/*'] }], grantHosts: ['*://127.0.0.1/*'] });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  await op(manager, { op: 'prefs.set', sites: { '127.0.0.1': true } });
  const evil = '<img src=x onerror="document.title=\'pwned\'"> I live in Porto.';
  await op(manager, { op: 'ingest', turns: [
    turn('home', 'porto', evil, '2024-03-01T09:00:00Z'),
    turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', '2024-03-02T09:00:00Z'),
  ] });
  const web = await browser.ctx.newPage();
  await web.goto(server.url + '/');
  await web.waitForFunction(() => document.documentElement.dataset.relay === 'ready');
  const relay = (message) => web.evaluate((m) => new Promise((resolve) => {
    const id = Math.random().toString(36).slice(2);
    addEventListener('message', function on(e) { if (e.data?.relayed === id) { removeEventListener('message', on); resolve(e.data.reply); } });
    postMessage({ relay: id, message: m }, '*');
  }), message);
  for (const prompt of ['where do I live?', "what's my dog's name?"]) {
    await relay({ kind: 'submit', text: prompt });
    const context = await relay({ kind: 'context', text: prompt });
    assert.ok(context.items?.length, JSON.stringify(context));
  }
  // The web page's tab id: the one tab with a record.
  const tabs = await manager.evaluate(() => chrome.tabs.query({}).then((all) => all.map((x) => x.id)));
  let tab;
  for (const id of tabs) if ((await op(manager, { op: 'injected.get', tab: id })).injections.length) tab = id;
  assert.ok(Number.isInteger(tab), 'a tab has injections');

  const popup = await openPopup(browser, tab, server.url + '/');
  await popup.locator('#injected > li').nth(1).waitFor();
  const groups = await popup.locator('#injected > li').evaluateAll((l) => l.map((x) => [...x.querySelectorAll('.text')].map((n) => n.textContent)));
  assert.ok(groups[0].some((x) => /Biscuit/.test(x)), `newest first: ${JSON.stringify(groups)}`);
  assert.ok(groups[1].some((x) => x.includes('<img src=x')), `as text: ${JSON.stringify(groups)}`);
  assert.equal(await popup.locator('img').count(), 0);
  assert.notEqual(await popup.title(), 'pwned');
  assert.match(await popup.locator('#injected > li .meta').first().textContent(), /127\.0\.0\.1/);
  // Another tab: nothing.
  const other = await openPopup(browser, tab + 1000, 'https://claude.ai/');
  await other.getByText('Nothing was given to the assistant in this tab yet.').waitFor();

  if (process.env.CONFIDANT_SCREENSHOTS) {
    await mkdir(process.env.CONFIDANT_SCREENSHOTS, { recursive: true });
    await popup.screenshot({ path: join(process.env.CONFIDANT_SCREENSHOTS, 'popup.png') });
  }
});

test('popup: a degraded store shows a warning that leads to the manager', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const manager = await openManager(browser);
  let popup = await openPopup(browser, 1, 'https://claude.ai/');
  await popup.getByText('on unless you turn it off').waitFor();
  assert.equal(await popup.getByRole('alert').isHidden(), true, 'healthy: no warning');
  // Corrupt the snapshot and restart the worker (see durability.test.mjs).
  await op(manager, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit.', '2024-03-01T09:00:00Z')] });
  await manager.evaluate(async () => {
    const db = await new Promise((res) => { const r = indexedDB.open('confidant', 1); r.onsuccess = () => res(r.result); });
    const tx = db.transaction('snapshot', 'readwrite');
    tx.objectStore('snapshot').put({ bytes: new TextEncoder().encode('CFDS garbage').buffer, at: 1 }, 'latest');
    await new Promise((res) => { tx.oncomplete = res; });
    db.close();
  });
  const cdp = await browser.ctx.newCDPSession(manager);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  assert.ok((await op(manager, { op: 'status' })).degraded);
  popup = await openPopup(browser, 1, 'https://claude.ai/');
  await popup.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();
  const [opened] = await Promise.all([browser.ctx.waitForEvent('page'), popup.getByRole('link', { name: 'Review it in the memory manager' }).click()]);
  await opened.getByRole('heading', { name: 'Some stored data could not be loaded' }).waitFor();
  assert.match(opened.url(), /manager\.html#health$/);
});

test('popup: turning on a site that is not built in registers the generic adapter there (with the host permission); off removes both', async (t) => {
  const server = await serveSite('generic');
  const browser = await launch({ grantHosts: ['*://127.0.0.1/*'] });      // stands in for the user's Allow
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  const registered = () => manager.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => s.id).sort());
  const wrapped = async (page) => page.evaluate(() => !String(window.fetch).includes('[native code]'));

  const web = await browser.ctx.newPage();
  await web.goto(server.url + '/');
  assert.equal(await wrapped(web), false, 'off by default: no content scripts on the page');
  assert.deepEqual(await registered(), []);

  const popup = await openPopup(browser, 1, server.url + '/');
  await popup.getByRole('switch', { name: 'On for 127.0.0.1' }).check();
  await popup.getByText('Confidant is on for 127.0.0.1').waitFor();
  assert.deepEqual(await registered(), ['confidant-isolated:127.0.0.1', 'confidant-main:127.0.0.1']);

  // The page, reloaded, runs the generic adapter: a typed prompt is captured.
  await web.reload();
  await web.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  await web.click('#box');
  await web.keyboard.type('My favourite tea is genmaicha.');
  await web.keyboard.press('Enter');
  for (let i = 0; ; i++) {
    const hits = (await op(manager, { op: 'recall', text: 'favourite tea genmaicha' })).hits ?? [];
    if (hits.some((h) => h.text === 'My favourite tea is genmaicha.')) break;
    if (i > 50) assert.fail('the typed prompt was not captured');
    await new Promise((r) => setTimeout(r, 100));
  }

  // Off: the registration goes (and the popup gives the permission back — not
  // observable here, where the grant stands in as an install-time one, which
  // cannot be removed); the page is left alone after a reload.
  await popup.getByRole('switch', { name: 'On for 127.0.0.1' }).uncheck();
  await popup.getByText('Confidant is off for 127.0.0.1').waitFor();
  assert.deepEqual(await registered(), []);
  await web.reload();
  assert.equal(await wrapped(web), false);
});

test('turning on a site without its host permission is refused with a reason', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const manager = await openManager(browser);
  const reply = await op(manager, { op: 'prefs.set', sites: { 'chat.example.org': true } });
  assert.equal(reply?.error?.code, 'permission', JSON.stringify(reply));
  assert.match(reply.error.message, /allow it when the browser asks/);
  assert.equal((await op(manager, { op: 'prefs.get' })).sites['chat.example.org'], undefined, 'nothing changed');
  assert.equal((await op(manager, { op: 'prefs.set', sites: { 'chat.example.org': false } })).sites['chat.example.org'], false, 'turning off needs no permission');
});

test('a site that is not this computer is registered for https only; 127.0.0.1 for http and https', async (t) => {
  const browser = await launch({ grantHosts: ['*://chat.example.com/*', '*://127.0.0.1/*'] });   // stands in for the user's Allow
  t.after(() => browser.close());
  const manager = await openManager(browser);
  await op(manager, { op: 'prefs.set', sites: { 'chat.example.com': true, '127.0.0.1': true } });
  const scripts = await manager.evaluate(async () => Object.fromEntries((await chrome.scripting.getRegisteredContentScripts()).map((s) => [s.id, s.matches])));
  assert.deepEqual(scripts, {
    'confidant-isolated:chat.example.com': ['https://chat.example.com/*'],
    'confidant-main:chat.example.com': ['https://chat.example.com/*'],
    'confidant-isolated:127.0.0.1': ['*://127.0.0.1/*'],
    'confidant-main:127.0.0.1': ['*://127.0.0.1/*'],
  });
  // Without the https permission a host cannot be turned on; the reason says so.
  const refused = await op(manager, { op: 'prefs.set', sites: { 'chat.example.org': true } });
  assert.equal(refused?.error?.code, 'permission');
  assert.match(refused.error.message, /https:\/\/chat\.example\.org[^]*over https only/);
});
