// helpers.mjs — launch Debian's Chromium with the built extension (as
// shared/design/stack-notes.md says), drive the manager page, stop the worker.
import { chromium } from 'playwright-core';
import { cp, mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const BUILT = join(ROOT, 'dist', 'extension');
export const WASM = join(ROOT, 'dist', 'confidant.wasm');

/**
 * launch starts Chromium with a fresh profile and a copy of dist/extension.
 * extra.contentScripts adds test-only content scripts (files from test/fixtures)
 * to the copy's manifest; the shipped build has none.
 * extra.siteMatches adds copies of the shipped content-script entries (the
 * isolated-world scripts and the MAIN-world page script) for these match
 * patterns: the test-only way to enable the generic adapter on the fixture host.
 * extra.grantHosts adds host_permissions (granted at install) to the copy's
 * manifest: stands in for the user's "Allow" in the dialog that
 * chrome.permissions.request shows when a site is turned on (a test cannot
 * click browser dialogs); the request then resolves true without asking.
 * extra.alter(dir), if given, may change the copy before it is loaded (a
 * damaged package).
 * extra.hostRules maps real site hosts to local servers
 * (--host-resolver-rules, e.g. "MAP chatgpt.com 127.0.0.1:PORT"); TLS errors
 * are then ignored (the fixture server's certificate is self-signed).
 */
export async function launch({ contentScripts, siteMatches, hostRules, grantHosts, alter } = {}) {
  await access(join(BUILT, 'manifest.json')).catch(() => {
    throw new Error('dist/extension is missing: run ./build.sh && ./build-extension.sh first');
  });
  const tmp = await mkdtemp(join(tmpdir(), 'confidant-test-'));
  const dir = join(tmp, 'extension'), profile = join(tmp, 'profile');
  await cp(BUILT, dir, { recursive: true });
  if (contentScripts) {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.content_scripts = [];
    for (const { file, matches } of contentScripts) {
      await cp(join(here, 'fixtures', file), join(dir, 'test-' + file));
      manifest.content_scripts.push({ matches, js: ['test-' + file], run_at: 'document_start' });
    }
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }
  if (siteMatches) {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.content_scripts = [...manifest.content_scripts, ...manifest.content_scripts.map((e) => ({ ...e, matches: siteMatches }))];
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }
  if (grantHosts) {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.host_permissions = grantHosts;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }
  if (alter) await alter(dir);
  const extraArgs = hostRules ? ['--host-resolver-rules=' + hostRules, '--ignore-certificate-errors'] : [];
  // Extra flags for experiments (e.g. --js-flags=--liftoff-only; the
  // profiling tool adds --remote-debugging-port), space-separated.
  if (process.env.CONFIDANT_CHROMIUM_ARGS) extraArgs.push(...process.env.CONFIDANT_CHROMIUM_ARGS.split(/\s+/).filter(Boolean));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ignoreHTTPSErrors: !!hostRules,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-extensions-except=' + dir, '--load-extension=' + dir, ...extraArgs],
  });
  let [worker] = ctx.serviceWorkers();
  if (!worker) worker = await ctx.waitForEvent('serviceworker', { timeout: 15000 });
  const id = new URL(worker.url()).host;
  return {
    ctx, id, worker,
    async close() {
      await ctx.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** openManager opens the manager page (an extension page: privileged). */
export async function openManager(browser) {
  const page = await browser.ctx.newPage();
  await page.goto(`chrome-extension://${browser.id}/ui/manager.html`);
  await page.waitForFunction(() => typeof chrome?.runtime?.sendMessage === 'function');
  // The first start after install unpacks the engine module (module.js):
  // tests begin once it is done, as a user would after installing.
  await op(page, { op: 'status' });
  return page;
}

/** op sends one privileged op from an extension page and returns the reply. */
export function op(page, request) {
  return page.evaluate((r) => chrome.runtime.sendMessage({ kind: 'op', request: r }), request);
}

/**
 * stopWorker stops every service worker through CDP (what MV3 does to an idle
 * worker) and resolves, to the instance id the status op reported before the
 * stop, once DevTools reports this extension's worker stopped: the next
 * message then starts a new instance (its status op has another instance).
 */
export async function stopWorker(browser, page) {
  const status = await op(page, { op: 'status' });
  if (!status.instance) throw new Error('status failed: ' + JSON.stringify(status));
  const before = status.instance;
  const cdp = await browser.ctx.newCDPSession(page);
  const ours = `chrome-extension://${browser.id}/`;
  const running = new Map();                  // versionId → runningStatus, for this extension's worker
  let settle = () => {};
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL.startsWith(ours)) running.set(v.versionId, v.runningStatus);
    settle();
  });
  try {
    await cdp.send('ServiceWorker.enable');   // reports every version's state, then each change
    await cdp.send('ServiceWorker.stopAllWorkers');
    await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the worker was not reported stopped: ${JSON.stringify([...running])}`)), 15_000);
      settle = () => {
        if (running.size && [...running.values()].every((s) => s === 'stopped')) { clearTimeout(deadline); resolve(); }
      };
      settle();
    });
  } finally {
    await cdp.detach();
  }
  return before;
}

/**
 * watchWorker records every running status DevTools reports for this
 * extension's worker from now on ("starting", "running", "stopping",
 * "stopped") in seen; detach() stops watching. page is an extension page.
 */
export async function watchWorker(browser, page) {
  const cdp = await browser.ctx.newCDPSession(page);
  const ours = `chrome-extension://${browser.id}/`;
  const seen = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL.startsWith(ours)) seen.push(v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  return { seen, detach: () => cdp.detach() };
}

/** serve starts a local HTTP server for fixture pages; returns {url, close}. */
export async function serve(pages) {
  const server = createServer((req, res) => {
    const body = pages[new URL(req.url, 'http://x').pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** turn builds a test turn. */
export function turn(session, id, text, time, role = 'user') {
  return { id, session, role, text, time };
}

/**
 * serveSite serves testdata/sites/<site>/ (at the repository root) on 127.0.0.1 (over TLS with a
 * fresh self-signed certificate when https is set) and records every POST:
 * {path, body}. A POST is answered with {reply} echoing the prompt it carried
 * (so that an injected block, if any, would show up in the reply too).
 */
export async function serveSite(site, { https = false } = {}) {
  const root = join(here, '..', '..', 'testdata', 'sites', site);
  const posts = [];
  const handler = async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      posts.push({ path, body });
      let prompt = '';
      try { const j = JSON.parse(body); prompt = j.prompt ?? j.query_str ?? j.message ?? j.messages?.at(-1)?.content?.parts?.[0] ?? ''; } catch {
        try { prompt = JSON.parse(JSON.parse(new URLSearchParams(body).get('f.req'))[1])[0][0]; } catch {}   // Gemini's form
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ reply: `Here is a canned reply. You said: ${prompt}` }));
      return;
    }
    const file = path === '/' || path.startsWith('/c/') ? 'index.html' : path.slice(1);
    if (!/^[a-z0-9_-]+\.(html|js|css)$/.test(file)) { res.writeHead(404); res.end('not found'); return; }
    try {
      const body = await readFile(join(root, file));
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8' });
      res.end(body);
    } catch { res.writeHead(404); res.end('not found'); }
  };
  let server, tmp;
  if (https) {
    tmp = await mkdtemp(join(tmpdir(), 'confidant-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem')], { stdio: 'ignore' });
    server = createHttpsServer({ key: await readFile(join(tmp, 'key.pem')), cert: await readFile(join(tmp, 'cert.pem')) }, handler);
  } else server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port, posts, url: `${https ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * zip builds a zip archive (deflate, or stored with store: true) of
 * [{name, data: Buffer|string}] — enough of the format for the import
 * tests: local headers, central directory, end record.
 */
export function zip(files, { store = false } = {}) {
  const { deflateRawSync, crc32 } = zlib;
  const parts = [], dir = [];
  let offset = 0;
  for (const { name, data } of files) {
    const raw = Buffer.from(data), body = store ? raw : deflateRawSync(raw);
    const fname = Buffer.from(name), crc = crc32(raw), method = store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18); local.writeUInt32LE(raw.length, 22); local.writeUInt16LE(fname.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x800, 8);
    cen.writeUInt16LE(method, 10); cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(raw.length, 24); cen.writeUInt16LE(fname.length, 28); cen.writeUInt32LE(offset, 42);
    parts.push(local, fname, body);
    dir.push(cen, fname);
    offset += local.length + fname.length + body.length;
  }
  const cd = Buffer.concat(dir), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** fixture reads a file of testdata/imports/ (at the repository root). */
export const fixture = (path) => readFile(join(ROOT, 'testdata', 'imports', path));

/**
 * bigChatGPT makes a larger ChatGPT conversations.json from the fixture:
 * copies of its conversations, every UUID changed per copy (so none is a
 * duplicate of another).
 */
export async function bigChatGPT(copies) {
  const one = (await fixture('chatgpt/conversations.json')).toString().trim().slice(1, -1);
  const out = [];
  for (let i = 0; i < copies; i++) {
    const tag = i.toString(16).padStart(8, '0');
    out.push(one.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, (u) => tag + u.slice(8)));
  }
  return Buffer.from(`[${out.join(',')}]`);
}

const WORDS = ('garden recipe budget meeting guitar travel museum coffee bicycle project deadline ' +
  'doctor concert library weekend sister kitchen laptop invoice hiking camera painting ' +
  'marathon podcast vacation apartment puppy chemistry novel football').split(' ');

/**
 * storeTurns ingests n synthetic turns (t0…, 20 per conversation, one a
 * unique "code word zq<i>") through page's privileged channel, 1000 at a time:
 * the 10,000-turn store of the cold-start measurements.
 */
export async function storeTurns(page, n) {
  for (let start = 0; start < n; start += 1000) {
    const turns = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const w = (k) => WORDS[(i * 7 + k * 13) % WORDS.length];
      const time = new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
      turns.push({ id: `t${i}`, session: `s${Math.floor(i / 20)}`, role: i % 2 ? 'assistant' : 'user', time,
        text: `Turn ${i}: about my ${w(1)} and the ${w(2)}, then the ${w(3)} near the ${w(4)}; code word zq${i}.` });
    }
    const reply = await op(page, { op: 'ingest', turns });
    if (reply.added !== turns.length) throw new Error(`storeTurns: ${JSON.stringify(reply).slice(0, 200)}`);
  }
  await op(page, { op: 'status' });  // any compaction has committed
}
