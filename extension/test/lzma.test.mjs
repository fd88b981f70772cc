// The .lzma decoder the worker unpacks the engine module with (lzma.js),
// checked against files the xz CLI writes: every byte equal, and damaged files
// refused with an LzmaError rather than a crash, a hang or a wrong-sized result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { decodeLzma, decodeLzmaAsync, LzmaError } from '../src/background/lzma.js';
import { WASM } from './helpers.mjs';

const xz = (data, ...opts) => new Uint8Array(execFileSync('xz', ['--format=lzma', '-c', ...opts], { input: data, maxBuffer: 1 << 28 }));

// noise returns n pseudo-random bytes from seed (the same every run).
function noise(n, seed) {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 23;
  return out;
}

function samples() {
  const text = Buffer.from('Lisbon, sushi, a greyhound named Comet; '.repeat(2000) + 'the end');
  const mixed = Buffer.concat([noise(5000, 1), text.subarray(0, 30000), noise(3000, 2), text.subarray(5)]);
  const runs = Buffer.alloc(70000, 7);
  return { empty: Buffer.alloc(0), one: Buffer.from([42]), text, random: noise(100_000, 3), mixed, runs };
}

test('decodes what xz writes, at every preset and literal/position setting', () => {
  for (const [name, data] of Object.entries(samples())) {
    for (const opts of [['-0'], ['-6'], ['-9e'], ['--lzma1=preset=6,lc=0,lp=2,pb=0'], ['--lzma1=preset=6,lc=4,lp=0,pb=4'], ['--lzma1=preset=1,lc=1,lp=1,pb=1']]) {
      const got = decodeLzma(xz(data, ...opts), data.length);
      assert.equal(Buffer.compare(Buffer.from(got), data), 0, `${name} ${opts}`);
    }
  }
});

test('decodes the engine module exactly', async () => {
  const wasm = await readFile(WASM);
  const packed = xz(wasm, '-9e');
  const t0 = performance.now();
  const got = decodeLzma(packed, wasm.length);
  const ms = performance.now() - t0;
  assert.equal(Buffer.compare(Buffer.from(got), wasm), 0);
  // In steps, the event loop runs in between (a timer set now fires before the end).
  let ticked = false;
  setTimeout(() => { ticked = true; }, 0);
  const stepped = await decodeLzmaAsync(packed, wasm.length);
  assert.equal(Buffer.compare(Buffer.from(stepped), wasm), 0);
  assert.ok(ticked, 'the event loop ran during the decode');
  console.log(`unpacked the ${(wasm.length / 1e6).toFixed(1)} MB module in ${ms.toFixed(0)} ms (Node)`);
});

test('a damaged file is refused with an LzmaError, never a crash or a result of another size', () => {
  const { mixed } = samples();
  const packed = xz(mixed, '-6');
  const refused = (bytes, size = mixed.length) => {
    try {
      const out = decodeLzma(bytes, size);
      assert.equal(out.length, size, 'a result always has the expected size');
      return false;
    } catch (e) {
      assert.ok(e instanceof LzmaError, `an LzmaError, not ${e}`);
      assert.ok(e.message.length > 10, e.message);
      return true;
    }
  };
  assert.ok(refused(packed.subarray(0, 10)), 'no header');
  assert.ok(refused(packed, mixed.length + 1), 'more bytes expected than the file holds');
  assert.ok(refused(packed, mixed.length - 1), 'fewer bytes expected than the file holds');
  for (let cut = 14; cut < packed.length; cut += Math.max(1, (packed.length / 97) | 0)) {
    assert.ok(refused(packed.subarray(0, cut)), `cut at ${cut}`);
  }
  const bad = Uint8Array.from(packed); bad[0] = 225;
  assert.ok(refused(bad), 'properties out of range');
  let caught = 0, seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;   // seeded: the same flips every run
  for (let i = 0; i < 300; i++) {
    const flipped = Uint8Array.from(packed);
    const at = 14 + ((random() * (packed.length - 14)) | 0);
    flipped[at] ^= 1 << ((random() * 8) | 0);
    if (refused(flipped)) caught++;
  }
  // A flipped bit usually derails the range coder; when it does not, the
  // worker's SHA-256 check (module.js) refuses the result.
  assert.ok(caught > 150, `most flips are caught by the decoder itself (${caught}/300)`);
});
