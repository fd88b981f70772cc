// module.js — the engine module, compiled. The package carries it
// LZMA-compressed (confidant.wasm.lzma: ~1.65 MB where the store zip's deflate
// made 2.25 MB of the 8.5 MB module), with its size and SHA-256 in
// module-info.js (both written by build-extension.sh). The first start after
// an install or update unpacks it (lzma.js), checks the hash and keeps the
// bytes as a Blob in their own IndexedDB database, keyed by the hash; every
// later start compiles them from there. See RATIONALE.md ("Why is the engine
// module shipped LZMA-compressed?").
import { decodeLzmaAsync } from './lzma.js';
import { MODULE } from './module-info.js';

const DB = 'confidant-module';
const STORE = 'module';
const WASM = 'application/wasm';

/** ModuleError reports a package whose engine module is damaged; reinstalling is the fix. */
export class ModuleError extends Error {}

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

function openModuleDB() {
  const req = indexedDB.open(DB, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

// cached resolves to the kept copy, a Blob of the expected size, or null.
// A Blob because reading one (blob.arrayBuffer(), off the worker's thread)
// took 11–16 ms at a cold start where getting the same 8.5 MB stored as an
// ArrayBuffer took 20–25 on the worker's thread; streaming the Blob into
// compileStreaming was no faster than compiling the bytes, which the hash
// needs anyway. An ArrayBuffer, the form earlier builds kept, is replaced.
async function cached(db) {
  const kept = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(MODULE.sha256));
  return kept instanceof Blob && kept.size === MODULE.size ? kept : null;
}

// keep replaces whatever module was kept (an older version's) with bytes.
function keep(db, bytes) {
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  store.clear();
  store.put(new Blob([bytes], { type: WASM }), MODULE.sha256);
  return new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
// digest resolves to the SHA-256 of bytes, in hex.
const digest = async (bytes) => hex(await crypto.subtle.digest('SHA-256', bytes));

/** unpack reads confidant.wasm.lzma from the package, decodes it and checks its hash. */
async function unpack(runtime) {
  const res = await fetch(runtime.getURL(MODULE.file));
  if (!res.ok) throw new ModuleError(`the engine module ${MODULE.file} is missing from the extension: reinstall Confidant`);
  let bytes;
  try {
    bytes = await decodeLzmaAsync(new Uint8Array(await res.arrayBuffer()), MODULE.size);
  } catch (e) {
    throw new ModuleError(`the engine module in the extension is damaged (${e.message}): reinstall Confidant`);
  }
  if (await digest(bytes) !== MODULE.sha256) {
    throw new ModuleError('the engine module in the extension is damaged (its SHA-256 does not match): reinstall Confidant');
  }
  return bytes.buffer;
}

/**
 * engineModule resolves to {module: WebAssembly.Module, timings, kept}:
 * compiled from the kept bytes — whose SHA-256 is checked again, at the same
 * time, so bytes changed on disk never run — or, after an install or update
 * (or if the kept copy is gone, changed or does not compile), from a fresh
 * unpack, which is then kept in the background: kept (a promise, or null)
 * rejects if that fails, which costs the next start another unpack. The
 * compiled module is the same for the worker's whole life, so it is compiled
 * once and every engine (a rebuild after a broken one) is instantiated from
 * it; a damaged package stays damaged, so that failure is kept too.
 */
let compiled = null;
export function engineModule(runtime) {
  if (!compiled) {
    compiled = load(runtime);
    compiled.catch((e) => { if (!(e instanceof ModuleError)) compiled = null; });   // try again on the next start
  }
  return compiled;
}

async function load(runtime) {
  const timings = {};
  let t = performance.now();
  let db = null;
  try {
    db = await openModuleDB();
    const blob = await cached(db);
    const bytes = blob && await blob.arrayBuffer();
    timings.module_read_ms = performance.now() - t;
    if (bytes) {
      t = performance.now();
      const [module, sum] = await Promise.all([WebAssembly.compile(bytes).catch(() => null), digest(bytes)]);
      timings.compile_ms = performance.now() - t;
      if (module && sum === MODULE.sha256) return { module, timings, kept: null };
      console.error(`confidant: the kept engine module ${module ? 'was changed' : 'does not compile'}; unpacking it again`);
    }
  } catch (e) {
    console.error('confidant: the kept engine module could not be read; unpacking it again', e);
  }
  t = performance.now();
  const bytes = await unpack(runtime);
  timings.unpack_ms = performance.now() - t;
  t = performance.now();
  const module = await WebAssembly.compile(bytes);
  timings.compile_ms = performance.now() - t;
  const kept = db ? keep(db, bytes) : Promise.reject(new Error('its database did not open'));
  kept.catch(() => {});                           // reported by the caller (service.js)
  return { module, timings, kept };
}
