// The worker bundler (tools/bundle-worker.mjs): module semantics kept —
// evaluation order, renamed and re-exported bindings, each module's own
// scope — and anything outside the subset it handles refused by name.
// Every browser test runs the bundled worker too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle, BundleError } from '../tools/bundle-worker.mjs';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'background');

function dir(t, files) {
  const d = mkdtempSync(join(tmpdir(), 'confidant-bundle-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

// run evaluates a bundled script as a module and returns what it left in globalThis.out.
async function run(t, script) {
  const d = dir(t, { 'bundle.mjs': script });
  globalThis.out = [];
  await import(pathToFileURL(join(d, 'bundle.mjs')).href);
  return globalThis.out;
}

test('the bundle evaluates modules dependencies first, each in its own scope, with renamed and re-exported bindings', async (t) => {
  const d = dir(t, {
    'a.js': "const secret = 'a';\nexport const A = 1;\nexport function f() { return secret; }\nglobalThis.out.push('a');\n",
    'b.js': "import { A as X, f } from './a.js';\nconst secret = 'b';\nexport class B { get v() { return X + 1 + f() + secret; } }\nconst hidden = 3;\nexport { hidden as shown };\nglobalThis.out.push('b');\n",
    'c.js': "export { A } from './a.js';\nexport async function later() { return 'c'; }\nglobalThis.out.push('c');\n",
    'sw.js': "import { B, shown } from './b.js';\nimport { A, later } from './c.js';\nglobalThis.out.push('sw', new B().v, shown, A, await later());\n",
  });
  const { script, files } = bundle(join(d, 'sw.js'));
  assert.deepEqual(files.map((f) => f.slice(d.length + 1)), ['a.js', 'b.js', 'c.js', 'sw.js']);
  assert.doesNotMatch(script, /^\s*(import|export)\b/m, 'no module syntax left');
  assert.deepEqual(await run(t, script), ['a', 'b', 'c', 'sw', '2ab', 3, 1, 'c']);
});

test('the bundler refuses module syntax outside its subset, naming file and line', (t) => {
  for (const line of [
    "import x from './a.js';",
    "import * as a from './a.js';",
    "import {\n  A } from './a.js';",
    "import { A } from 'https://example.com/a.js';",
    'export default 1;',
    "export * from './a.js';",
  ]) {
    const d = dir(t, { 'a.js': 'export const A = 1;\n', 'sw.js': `${line}\n` });
    assert.throws(() => bundle(join(d, 'sw.js')), (e) => e instanceof BundleError && /sw\.js:1: unsupported module syntax/.test(e.message), line);
  }
  const d = dir(t, { 'a.js': "import { B } from './b.js';\nexport const A = 1;\n", 'b.js': "import { A } from './a.js';\nexport const B = 2;\n", 'sw.js': "import { A } from './a.js';\n" });
  assert.throws(() => bundle(join(d, 'sw.js')), /circular import/);
});

test("the worker's own modules bundle into a script that registers its listeners when it runs", async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'confidant-bundle-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  cpSync(SRC, d, { recursive: true });
  writeFileSync(join(d, 'module-info.js'), "export const MODULE = Object.freeze({ file: 'confidant.wasm.lzma', size: 1, sha256: 'x' });\n");
  const { script, files } = bundle(join(d, 'sw.js'));
  assert.ok(files.length >= 15, `${files.length} modules`);
  assert.doesNotMatch(script, /^\s*(import|export)\b/m);
  const listeners = [];
  const event = { addListener: (fn) => listeners.push(fn) };
  globalThis.chrome = { runtime: { onMessage: event, getURL: (p) => `chrome-extension://id/${p}`, id: 'id' }, tabs: { onRemoved: event } };
  const logged = [];
  const error = console.error;
  console.error = (...args) => logged.push(args.join(' '));   // the start's expected failure, without IndexedDB
  t.after(() => { delete globalThis.chrome; console.error = error; });
  const file = join(d, 'bundled.mjs');
  writeFileSync(file, script);
  await import(pathToFileURL(file).href).catch(() => {});   // the start itself fails here (no IndexedDB)
  assert.ok(listeners.length >= 1, 'the message listener is registered at the top level');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(logged.some((l) => /indexedDB is not defined/.test(l)), 'the bundled start ran as far as the database');
});
