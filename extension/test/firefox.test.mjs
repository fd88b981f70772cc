// The Firefox package (dist/confidant-firefox.zip: the event-page manifest of
// tools/manifest-firefox.mjs) in real Firefox: Debian's firefox-esr, headless,
// driven over WebDriver BiDi by puppeteer-core, the package installed as a
// temporary add-on. A smoke test of the whole path — the background unpacks
// and starts the engine, the manager page's privileged ops reach it, and the
// store survives a reload of the add-on (a new background, same IndexedDB).
// The other browser tests run in Chromium (helpers.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { ROOT } from './helpers.mjs';
import { GECKO_ID } from '../tools/manifest-firefox.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const PACKAGE = join(ROOT, 'dist', 'confidant-firefox.zip');
const T = '2024-03-01T09:00:00Z';

const installed = await access(FIREFOX).then(() => true, () => false);
// test.sh installs firefox-esr; under CI its absence is a failure, not a skip.
const skip = !installed && !process.env.CI
  ? `${FIREFOX} is missing: apt-get install -y firefox-esr (./test.sh installs it)` : false;

test('Firefox: the engine starts, a turn is stored and recalled, and survives a reload of the add-on', { skip }, async (t) => {
  assert.ok(installed, `${FIREFOX} is missing: apt-get install -y firefox-esr (./test.sh installs it)`);
  await access(PACKAGE).catch(() => { throw new Error('dist/confidant-firefox.zip is missing: run ./build.sh first'); });
  // Firefox gives each install a random moz-extension:// host; this pref
  // fixes it so that the test can open the manager page.
  const host = randomUUID();
  const firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Without it Firefox's remote agent navigates only to http(s), file,
    // blob and about:blank URLs: it would refuse the moz-extension: page.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: host }) },
  });
  t.after(() => firefox.close());

  // manager opens the manager page in a new tab. The remote agent (Firefox
  // 153) reports the navigation committed but never its load for a page in
  // the extension process, so goto's promise is left to end with the page
  // and the page is awaited instead: loaded, with the extension API. A
  // navigation that failed is reported as such.
  const manager = async () => {
    const page = await firefox.newPage();
    let refused = null;
    page.goto(`moz-extension://${host}/ui/manager.html`, { timeout: 0 }).catch((e) => { refused = e; });
    await page.waitForFunction(() => location.protocol === 'moz-extension:' && document.readyState === 'complete'
      && typeof browser?.runtime?.sendMessage === 'function', { timeout: 15_000 }).catch((e) => { throw refused ?? e; });
    return page;
  };
  // (In the page, browser is the WebExtension API.)
  const op = (page, request) => page.evaluate((r) => browser.runtime.sendMessage({ kind: 'op', request: r }), request);

  assert.equal(await firefox.installExtension(PACKAGE), GECKO_ID);
  let page = await manager();
  let status = await op(page, { op: 'status' });
  assert.deepEqual(status.errors, [], JSON.stringify(status));
  assert.equal(status.degraded, null);
  assert.equal(typeof status.timings.unpack_ms, 'number', 'the first start unpacked the engine module');
  assert.equal(status.engine.turns, 0);
  const first = status.instance;

  const ingested = await op(page, { op: 'ingest', turns: [
    { id: 'dog', session: 'pets', role: 'user', text: 'I have a dog named Biscuit, he is a beagle.', time: T }] });
  assert.equal(ingested.added, 1, JSON.stringify(ingested));
  assert.equal((await op(page, { op: 'recall', text: 'beagle' })).hits?.[0]?.id, 'dog');
  await page.close();

  // Installing the same add-on again reloads it (an upgrade in place, the
  // data kept): the old background is unloaded and a new one starts.
  assert.equal(await firefox.installExtension(PACKAGE), GECKO_ID);
  page = await manager();
  status = await op(page, { op: 'status' });
  assert.notEqual(status.instance, first, 'a new background instance');
  assert.deepEqual(status.errors, [], JSON.stringify(status));
  assert.equal(status.timings.unpack_ms, undefined, 'the kept module was compiled, not unpacked again');
  assert.equal(status.engine.turns, 1, 'the turn was read back from IndexedDB');
  const hits = (await op(page, { op: 'recall', text: 'beagle' })).hits;
  assert.equal(hits?.[0]?.id, 'dog');
  assert.equal(hits[0].text, 'I have a dog named Biscuit, he is a beagle.');
});
