// The Firefox package (dist/confidant-firefox.zip: the event-page manifest of
// tools/manifest-firefox.mjs) in real Firefox: Debian's firefox-esr, headless,
// driven over WebDriver BiDi by puppeteer-core, the package installed as a
// temporary add-on. The background unpacks and starts the engine, the
// manager page's privileged ops reach it, and the store survives a reload of
// the add-on (a new background, same IndexedDB); and, for every chat site,
// the content scripts on its fixture, served under the site's https host
// through a local proxy: capture, the block in the request the server
// receives, nothing for an unrelated prompt, nothing learned back. The other
// browser tests run in Chromium (helpers.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { ROOT, serveSite } from './helpers.mjs';
import { FACT, FIXTURES, MARKER, NEEDS, UNRELATED, posted } from './site-fixtures.mjs';
import { GECKO_ID } from '../tools/manifest-firefox.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const PACKAGE = join(ROOT, 'dist', 'confidant-firefox.zip');
const T = '2024-03-01T09:00:00Z';

const installed = await access(FIREFOX).then(() => true, () => false);
// test.sh installs firefox-esr; under CI its absence is a failure, not a skip.
const skip = !installed && !process.env.CI
  ? `${FIREFOX} is missing: apt-get install -y firefox-esr (./test.sh installs it)` : false;

/**
 * startFirefox launches headless Firefox with the package's install id fixed
 * (so the manager page's moz-extension:// host is known) and extra prefs,
 * closing it after the test, and returns the browser with two helpers:
 * manager() opens the manager page, op(page, request) sends a privileged op.
 */
async function startFirefox(t, { prefs = {}, acceptInsecureCerts = false } = {}) {
  assert.ok(installed, `${FIREFOX} is missing: apt-get install -y firefox-esr (./test.sh installs it)`);
  await access(PACKAGE).catch(() => { throw new Error('dist/confidant-firefox.zip is missing: run ./build.sh first'); });
  // Firefox gives each install a random moz-extension:// host; this pref
  // fixes it so that the test can open the manager page.
  const host = randomUUID();
  const firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts,
    // Without it Firefox's remote agent navigates only to http(s), file,
    // blob and about:blank URLs: it would refuse the moz-extension: page.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: host }), ...prefs },
  });
  t.after(() => firefox.close());

  // manager opens the manager page in a new tab. The remote agent (Firefox
  // 153) reports the navigation committed but never its load for a page in
  // the extension process, so goto's promise is left to end with the page
  // and the page is awaited instead: loaded, with the extension API. A
  // navigation that failed is reported as such. An evaluation that lands
  // while the page is being replaced can fail inside the remote agent itself
  // ("right-hand side of 'in' should be an object, got null", seen about once
  // in twenty runs); it is tried again until the deadline.
  const manager = async () => {
    const page = await firefox.newPage();
    let refused = null;
    page.goto(`moz-extension://${host}/ui/manager.html`, { timeout: 0 }).catch((e) => { refused = e; });
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await page.waitForFunction(() => location.protocol === 'moz-extension:' && document.readyState === 'complete'
          && typeof browser?.runtime?.sendMessage === 'function', { timeout: Math.max(1, deadline - Date.now()) });
        return page;
      } catch (e) {
        if (refused) throw refused;
        if (Date.now() >= deadline || e?.name === 'TimeoutError') throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  // (In the page, browser is the WebExtension API.)
  const op = (page, request) => page.evaluate((r) => browser.runtime.sendMessage({ kind: 'op', request: r }), request);
  return { firefox, manager, op };
}

test('Firefox: the engine starts, a turn is stored and recalled, and survives a reload of the add-on', { skip }, async (t) => {
  const { firefox, manager, op } = await startFirefox(t);
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

/**
 * connectProxy is an HTTP proxy that tunnels CONNECT requests for host:443
 * to 127.0.0.1:port and refuses any other request: Firefox has no
 * host-resolver rules, so its proxy prefs send https://host/ to the local
 * fixture server. close() ends the open tunnels too (server.close alone
 * would wait for them).
 */
async function connectProxy(host, port) {
  const sockets = new Set();
  const track = (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); };
  const proxy = createServer((req, res) => { res.writeHead(403); res.end(); });
  proxy.on('connection', track);
  proxy.on('connect', (req, client, head) => {
    if (req.url !== `${host}:443`) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    const drop = () => { client.destroy(); upstream.destroy(); };
    upstream.on('error', drop);
    client.on('error', drop);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: proxy.address().port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((r) => proxy.close(r));
    },
  };
}

/** waitFor polls check (sync or async) until it returns a truthy value, for up to 10 s. */
async function waitFor(check, what) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const [site, s] of Object.entries(FIXTURES)) {
  test(`Firefox, ${site}: a typed prompt is captured, a later one gets the memory in the request the server receives, an unrelated one gets nothing, nothing injected is learned back`, { skip }, async (t) => {
    const server = await serveSite(site, { https: true });
    const proxy = await connectProxy(s.host, server.port);
    const { firefox, manager, op } = await startFirefox(t, {
      acceptInsecureCerts: true,   // the fixture server's certificate is self-signed
      prefs: {
        // Every request goes to the proxy, which passes only the site's host:443.
        'network.proxy.type': 1,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': proxy.port,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': proxy.port,
        'network.proxy.no_proxies_on': '',
        'network.proxy.allow_hijacking_localhost': true,
      },
    });
    // After startFirefox's own: hooks run in order, Firefox closes first.
    t.after(async () => { await proxy.close(); await server.close(); });
    assert.equal(await firefox.installExtension(PACKAGE), GECKO_ID);
    const mgr = await manager();
    // all: the full ranking, without the relevance gate.
    const stored = async (text, role) => (await op(mgr, { op: 'recall', text, k: 50, all: true, ...(role && { role }) })).hits ?? [];

    const page = await firefox.newPage();
    await page.goto(`https://${s.host}/`);
    // The page script has wrapped fetch (the request path it rewrites).
    await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), { timeout: 5000 });
    const prompts = () => posted(s, server);
    const send = async (text) => {
      const before = prompts().length;
      await page.click(s.composer);
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
      await waitFor(() => prompts().length > before, `the request for ${JSON.stringify(text)}`);
      // The reply streams in, moving the composer as the thread grows: the
      // next click waits until it is complete (the typed text shows twice,
      // in the user's message and at the end of the echoing reply).
      await waitFor(async () => await page.evaluate((t) => document.body.innerText.split(t).length - 1, text) >= 2, `the reply to ${JSON.stringify(text)}`);
      return prompts()[before];
    };

    // 1. The fact, typed and sent, is captured (nothing to inject yet).
    assert.equal(await send(FACT), FACT);
    await waitFor(async () => (await stored('greyhound Comet')).some((h) => h.role === 'user' && h.text === FACT), 'the captured turn');

    // 2. A prompt that needs it gets the block, in the request the server got.
    const sent = await send(NEEDS);
    assert.ok(sent.startsWith(MARKER), `the block leads the request: ${JSON.stringify(sent)}`);
    assert.ok(sent.includes('greyhound'), `the memory is in it: ${JSON.stringify(sent)}`);
    assert.ok(sent.endsWith('\n\n' + NEEDS), JSON.stringify(sent));

    // 3. An unrelated prompt goes as typed.
    assert.equal(await send(UNRELATED), UNRELATED);

    // 4. Nothing injected is learned back: user turns are what was typed; the
    //    assistant replies (which echo the injected block) are stored stripped.
    const replies = await waitFor(async () => {
      const h = await stored('Comet greyhound feed canned reply said', 'assistant');
      return h.some((x) => x.text.includes(NEEDS)) ? h : null;
    }, 'the captured assistant reply');
    const users = await waitFor(async () => {
      const u = (await stored('Comet greyhound feed TCP congestion', 'user')).map((h) => h.text);
      return u.includes(NEEDS) && u.includes(UNRELATED) ? u : null;
    }, 'the later prompts captured');
    for (const h of replies) {
      assert.ok(!h.text.includes('confidant:memory'), `no marker text stored: ${JSON.stringify(h.text)}`);
      assert.ok(!h.text.includes('greyhound') || !h.text.includes(NEEDS), `the echoed block is stripped from the reply: ${JSON.stringify(h.text)}`);
    }
    for (const u of users) assert.ok([FACT, NEEDS, UNRELATED].includes(u), `a stored user turn is a typed prompt, as typed: ${JSON.stringify(u)}`);
  });
}
