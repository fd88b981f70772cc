// End-to-end sync: two Chromium profiles with the extension sync through the
// real Worker under workerd (`wrangler dev`, offline, R2 simulated in a
// temporary --persist-to; the approach of worker/sync/workerd_test.go).
// Everything goes through the manager's Sync section: turn on (recovery code
// shown once), join with the code (a mistyped code is refused with the
// engine's specific error), Sync now both ways until state.hash agrees, the
// sync state surviving a stopped worker, and a stopped server leaving local
// data as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openManager, op, stopWorker, turn, ROOT } from './helpers.mjs';

const T = '2024-03-01T09:00:00Z';
const WORKER = join(ROOT, 'worker');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// startWorker runs `wrangler dev` on free ports with ALLOWED_ORIGINS set to
// origins and R2 kept in persist; resolves once the Worker answers.
async function startWorker(origins, persist) {
  const wrangler = join(WORKER, 'node_modules', '.bin', 'wrangler');
  await access(wrangler).catch(() => {
    throw new Error('worker/node_modules is missing: run `npm ci` in worker/ first (worker/test.sh does)');
  });
  await access(join(WORKER, 'build', 'app.wasm')).catch(() => {
    execFileSync('bash', [join(WORKER, 'build.sh')], { stdio: 'inherit' });
  });
  const [port, inspector] = [await freePort(), await freePort()];
  const home = await mkdtemp(join(tmpdir(), 'confidant-wrangler-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLOUDFLARE_') && !k.startsWith('CF_')));
  Object.assign(env, { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', NO_COLOR: '1',
    HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
  const child = spawn(wrangler, ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
    '--persist-to', persist, '--show-interactive-dev-session=false', '--log-level', 'log',
    '--var', `ALLOWED_ORIGINS:${origins.join(',')}`], { cwd: WORKER, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let gone = false;
  exited.then(() => { gone = true; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    // The Worker itself answers an unknown path with its JSON 404.
    const r = await fetch(`${url}/ready`).catch(() => null);
    if (r?.status === 404 && r.headers.get('content-type') === 'application/json') break;
    if (gone) throw new Error(`wrangler dev exited before it was ready:\n${out}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev not ready after 90 s:\n${out}`);
    await new Promise((res) => setTimeout(res, 250));
  }
  return {
    url,
    output: () => out,
    async stop() {
      if (!gone) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch {}
        const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

let a, b, server, persist;
const pages = {};

before(async () => {
  a = await launch();
  b = await launch();
  persist = await mkdtemp(join(tmpdir(), 'confidant-r2-'));
  server = await startWorker([`chrome-extension://${a.id}`, `chrome-extension://${b.id}`], persist);
  for (const [name, browser] of [['a', a], ['b', b]]) {
    const page = await openManager(browser);
    page.on('dialog', (d) => d.accept());           // "Stop syncing on this device?"
    pages[name] = page;
  }
});

after(async () => {
  await a?.close();
  await b?.close();
  await server?.stop();
  if (persist) await rm(persist, { recursive: true, force: true });
});

// status reads the Sync section's live region once no op is in flight.
async function syncStatus(page) {
  await page.waitForFunction(() => !document.querySelector('#sync-now').disabled
    && !/…$/.test(document.querySelector('#sync-status').textContent), null, { timeout: 60_000 });
  const region = page.locator('#sync-status');
  return { text: await region.textContent(), error: await region.evaluate((r) => r.classList.contains('error')) };
}

async function syncNow(page) {
  await page.getByRole('button', { name: 'Sync now' }).click();
  return syncStatus(page);
}

const hash = async (page) => (await op(page, { op: 'state.hash' })).hash;
const facts = async (page) => (await op(page, { op: 'facts.list' })).facts;
const fact = async (page, re) => (await facts(page)).find((f) => re.test(`${f.slot} ${f.value} ${f.text}`));
const recall = async (page, text) => (await op(page, { op: 'recall', text })).hits.map((h) => h.id);

test('two profiles sync through the Worker: turn on, recovery code once, join, edits both ways converge, state survives a stopped worker, a tampered head is refused', async () => {
  const A = pages.a, B = pages.b;
  // Profile A: memories and a fact.
  await op(A, { op: 'ingest', turns: [turn('pets', 'dog', 'I have a dog named Biscuit, he is a beagle.', T),
    turn('trip', 'kyoto', 'I am planning a trip to Kyoto in April.', T)] });
  const dog = await fact(A, /biscuit/i);
  assert.ok(dog, 'A learned a fact about the dog');

  // A turns sync on in the UI.
  await A.getByRole('tab', { name: 'Sync' }).click();
  assert.match(await A.locator('#sync-hint').textContent(), new RegExp(`chrome-extension://${a.id}.*ALLOWED_ORIGINS`));
  await A.getByLabel('Sync server address').fill(server.url);
  await A.getByRole('button', { name: 'Turn on sync' }).click();
  const box = A.locator('#sync-code-box');
  await box.waitFor({ state: 'visible' });
  const code = (await A.locator('#sync-code-value').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/, `a recovery code is shown: ${code}`);
  let st = await syncStatus(A);
  assert.equal(st.error, false, st.text);
  assert.match(st.text, /^Sync is on\. Synced \(version 1\)/);
  // Shown once: Done only after "I saved it"; then it is gone from the page.
  assert.equal(await A.getByRole('button', { name: 'Done' }).isDisabled(), true);
  await A.getByLabel('I saved my recovery code').check();
  await A.getByRole('button', { name: 'Done' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.equal((await A.content()).includes(code), false, 'the code is no longer in the page');
  await A.reload();
  await A.getByRole('tab', { name: 'Sync' }).click();
  await A.locator('#sync-on').waitFor({ state: 'visible' });
  assert.equal((await A.content()).includes(code), false, 'and never shown again');
  const facts1 = await A.locator('#sync-facts').textContent();
  assert.match(facts1, /Server.*127\.0\.0\.1/);
  assert.match(facts1, /Version1/);
  assert.match(facts1, /Changes not yet syncednone/);

  // Profile B: a mistyped code is refused with the engine's specific error.
  await B.getByRole('tab', { name: 'Sync' }).click();
  await B.getByLabel('Sync server address').fill(server.url);
  const codeField = B.getByLabel('Recovery code from your other device');
  const flip = (c) => (c === 'A' ? 'B' : 'A');
  const typo = code.slice(0, 5) + flip(code[5]) + code.slice(6);
  await codeField.fill(typo);
  await B.getByRole('button', { name: 'Join with this code' }).click();
  st = await syncStatus(B);
  assert.equal(st.error, true);
  assert.match(st.text, /^Not joined: recovery code: checksum mismatch: a character is mistyped\. Nothing was changed\.$/);
  assert.equal(await codeField.getAttribute('aria-invalid'), 'true');
  await codeField.fill(code.slice(0, 10) + '*' + code.slice(11));
  await B.getByRole('button', { name: 'Join with this code' }).click();
  st = await syncStatus(B);
  assert.match(st.text, /^Not joined: recovery code: character not in the recovery code alphabet: '\*' at position 11\. Nothing was changed\.$/);
  assert.equal((await op(B, { op: 'sync.status' })).configured, false, 'a refused code configures nothing');

  // The right code (lower case, spaces for dashes): B joins and pulls.
  await codeField.fill(code.toLowerCase().replaceAll('-', ' '));
  await B.getByRole('button', { name: 'Join with this code' }).click();
  st = await syncStatus(B);
  assert.equal(st.error, false, st.text);
  assert.match(st.text, /^Joined\. Synced \(version 1\): \d+ changes received\.$/);
  assert.equal((await recall(B, "what's my dog's name?"))[0], 'dog', 'B recalls A\'s memory');
  assert.ok(await fact(B, /biscuit/i), 'B sees A\'s fact');
  assert.equal(await hash(B), await hash(A), 'converged after the join');

  // B deletes the fact, forgets a turn and adds one; syncs.
  await op(B, { op: 'facts.delete', id: (await fact(B, /biscuit/i)).id });
  await op(B, { op: 'forget', turn: 'kyoto' });
  await op(B, { op: 'ingest', turns: [turn('pets', 'cat', 'My cat is called Miso.', T)] });
  assert.match((await B.locator('#sync-facts').textContent()), /Version1/);
  st = await syncNow(B);
  assert.equal(st.error, false, st.text);
  assert.match(st.text, /^Synced \(version 2\): nothing new on the server; this device's changes uploaded\.$/);

  // A syncs: B's edits arrive; both hold the same state.
  await A.getByRole('tab', { name: 'Sync' }).click();
  st = await syncNow(A);
  assert.equal(st.error, false, st.text);
  assert.match(st.text, /^Synced \(version 2\): \d+ changes? received\.$/);
  assert.equal(await hash(A), await hash(B), 'converged');
  assert.ok(!(await fact(A, /biscuit/i)), 'the deleted fact is gone on A');
  assert.ok(!(await recall(A, 'trip to Kyoto')).includes('kyoto'), 'the forgotten turn is gone on A');
  assert.equal((await recall(A, 'what is my cat called?'))[0], 'cat', 'A recalls B\'s new turn');

  // A's worker is stopped: the sync state comes back from IndexedDB.
  const before = await stopWorker(a, A);
  const status = await op(A, { op: 'status' });
  assert.notEqual(status.instance, before, 'a new service worker answered');
  assert.deepEqual(status.errors, []);
  const sync = await op(A, { op: 'sync.status' });
  assert.equal(sync.configured, true);
  assert.equal(sync.version, 2);
  assert.equal(sync.server, server.url);
  assert.equal(sync.changes, false);
  assert.equal(sync.token, undefined, 'the token is not shown to pages');
  await op(A, { op: 'ingest', turns: [turn('garden', 'tomatoes', 'I grow tomatoes on my balcony.', T)] });
  await A.reload();
  await A.getByRole('tab', { name: 'Sync' }).click();
  await A.locator('#sync-on').waitFor({ state: 'visible' });
  assert.match(await A.locator('#sync-facts').textContent(), /Changes not yet syncedyes/);
  st = await syncNow(A);
  assert.equal(st.error, false, st.text);
  assert.match(st.text, /^Synced \(version 3\): nothing new on the server; this device's changes uploaded\.$/);
  st = await syncNow(B);
  assert.match(st.text, /^Synced \(version 3\)/);
  assert.equal(await hash(B), await hash(A), 'converged after the restart');
  assert.equal((await recall(B, 'what do I grow on my balcony?'))[0], 'tomatoes');

  // A tampered head (every sealed blob the simulated R2 holds, an age file,
  // gets its last byte flipped on disk): refused by name, nothing changes.
  let tampered = 0;
  for (const entry of await readdir(persist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const bytes = await readFile(path);
    if (bytes.subarray(0, 21).toString('latin1') !== 'age-encryption.org/v1') continue;
    bytes[bytes.length - 1] ^= 1;
    await writeFile(path, bytes);
    tampered++;
  }
  assert.ok(tampered >= 1, 'sealed blobs found in the simulated R2');
  const hashB = await hash(B);
  await op(B, { op: 'ingest', turns: [turn('work', 'lamp', 'My desk lamp is green.', T)] });
  const hashB2 = await hash(B);
  assert.notEqual(hashB2, hashB);
  st = await syncNow(B);
  assert.equal(st.error, true);
  assert.match(st.text, /^Sync failed: The data from the server failed its integrity check \(tampered with or corrupted\): refused\. Local data is unchanged\.$/);
  assert.equal(await hash(B), hashB2, 'B unchanged');
  assert.equal((await op(B, { op: 'sync.status' })).version, 3, 'B\'s base did not move');

  // The engine's own steps are not open to pages.
  assert.equal((await op(A, { op: 'sync.open', blob: '', version: 1 })).error?.code, 'forbidden');
});

test('a stopped server: Sync now says so readably and local data is unchanged; stop syncing keeps the data', async () => {
  const A = pages.a;
  await A.getByRole('tab', { name: 'Sync' }).click();
  await op(A, { op: 'ingest', turns: [turn('work', 'desk', 'My desk is on the third floor.', T)] });
  const hashBefore = await hash(A), stats = await op(A, { op: 'stats' }), sync = await op(A, { op: 'sync.status' });
  await server.stop();
  const st = await syncNow(A);
  assert.equal(st.error, true);
  assert.match(st.text, /^Sync failed: Could not reach the sync server at http:\/\/127\.0\.0\.1:\d+ \(offline, a wrong address, or the server is down\)\. Local data is unchanged\.$/);
  assert.equal(await hash(A), hashBefore, 'state unchanged');
  assert.deepEqual(await op(A, { op: 'stats' }), stats);
  const after = await op(A, { op: 'sync.status' });
  assert.equal(after.version, sync.version);
  assert.equal(after.changes, true, 'the new turn still waits for a sync');
  assert.match(after.last_error.message, /Could not reach/);
  assert.match(await A.locator('#sync-facts').textContent(), /Last error.*Could not reach/);

  // Stop syncing on this device: the memories stay.
  await A.getByRole('button', { name: 'Stop syncing on this device' }).click();
  await A.locator('#sync-off').waitFor({ state: 'visible' });
  assert.match(await A.locator('#sync-status').textContent(), /Sync is off on this device/);
  assert.equal((await op(A, { op: 'sync.status' })).configured, false);
  assert.equal(await hash(A), hashBefore);
  await stopWorker(a, A);
  assert.equal((await op(A, { op: 'sync.status' })).configured, false, 'still off after a restart');
  assert.equal((await recall(A, 'where is my desk?'))[0], 'desk');
});
