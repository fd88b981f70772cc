// lzma.js — a decoder for the .lzma ("LZMA alone") files `xz --format=lzma`
// writes. The engine module ships compressed this way (about 1.65 MB instead
// of deflate's 2.25 MB inside the store zip) and is unpacked once, after
// install or update (module.js). Written from the format's description (the
// LZMA SDK's lzma-specification.txt); see RATIONALE.md.
//
// decodeLzma(bytes, expectedSize) → Uint8Array of exactly expectedSize bytes;
// decodeLzmaAsync(bytes, expectedSize) → the same, in steps (see below).
// Damaged input throws LzmaError saying what is wrong; decoding never writes
// past expectedSize and always ends (every loop consumes input or output).

/** LzmaError reports a damaged or unexpected .lzma file. */
export class LzmaError extends Error {}

const HEADER = 13;                 // properties, dictionary size (u32), uncompressed size (u64)
const STATES = 12;
const POS_STATES_MAX = 1 << 4;
const END_POS_MODEL = 14;          // distance slots below this have probability-coded low bits
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const MATCH_MIN = 2;

// RangeDecoder is LZMA's binary arithmetic decoder: 11-bit probabilities,
// adapted by 1/32 of the error after every bit.
class RangeDecoder {
  constructor(bytes, at) {
    this.bytes = bytes;
    this.at = at;
    this.range = 0xFFFFFFFF;
    this.code = 0;
    if (bytes[this.at++] !== 0) throw new LzmaError('bad range coder start');
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | bytes[this.at++]) >>> 0;
    if (this.code === this.range) throw new LzmaError('bad range coder start');
  }

  // normalize takes in one more byte once the range is below 2^24.
  normalize() {
    if (this.range < 0x1000000) {
      if (this.at >= this.bytes.length) throw new LzmaError(`cut short at byte ${this.at}`);
      this.range = (this.range * 256) >>> 0;
      this.code = (this.code * 256 + this.bytes[this.at++]) >>> 0;
    }
  }

  bit(probs, i) {
    const p = probs[i];
    const bound = (this.range >>> 11) * p;      // < 2^32: range>>>11 < 2^21, p < 2^11
    let b = 0;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    this.normalize();
    return b;
  }

  // direct reads n bits of probability one half.
  direct(n) {
    let r = 0;
    for (; n > 0; n--) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) { this.code -= this.range; b = 1; }
      r = r * 2 + b;
      this.normalize();
    }
    return r;
  }
}

export function decodeLzma(bytes, expectedSize) {
  const steps = decode(bytes, expectedSize);
  for (;;) {
    const { done, value } = steps.next();
    if (done) return value;
  }
}

/**
 * decodeLzmaAsync is decodeLzma that gives the event loop a turn after every
 * STEP bytes of output, so that a worker unpacking the engine module (several
 * hundred milliseconds, once per install) still answers messages meanwhile.
 */
export async function decodeLzmaAsync(bytes, expectedSize) {
  const steps = decode(bytes, expectedSize);
  for (;;) {
    const { done, value } = steps.next();
    if (done) return value;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

const STEP = 1 << 18;

// decode is the decoder; it yields after every STEP bytes of output and
// returns the output.
function* decode(bytes, expectedSize) {
  if (!(bytes instanceof Uint8Array)) bytes = new Uint8Array(bytes);
  if (bytes.length < HEADER + 5) throw new LzmaError(`not an .lzma file: ${bytes.length} bytes`);
  let d = bytes[0];
  if (d >= 9 * 5 * 5) throw new LzmaError(`bad properties byte ${d}`);
  const lc = d % 9; d = (d / 9) | 0;
  const lp = d % 5, pb = (d / 5) | 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(5, true), hi = view.getUint32(9, true);
  const unknown = lo === 0xFFFFFFFF && hi === 0xFFFFFFFF;
  if (!unknown && (hi !== 0 || lo !== expectedSize)) {
    throw new LzmaError(`the file holds ${hi * 2 ** 32 + lo} bytes, ${expectedSize} were expected`);
  }
  const out = new Uint8Array(expectedSize);

  const rc = new RangeDecoder(bytes, HEADER);
  const bit = (probs, i) => rc.bit(probs, i);
  const direct = (n) => rc.direct(n);
  const tree = (probs, base, n) => {
    let m = 1;
    for (let i = 0; i < n; i++) m = (m << 1) + rc.bit(probs, base + m);
    return m - (1 << n);
  };
  const reverse = (probs, base, n) => {
    let m = 1, r = 0;
    for (let i = 0; i < n; i++) {
      const b = rc.bit(probs, base + m);
      m = (m << 1) + b;
      r |= b << i;
    }
    return r;
  };

  // The models, every probability starting at one half.
  const model = (n) => new Uint16Array(n).fill(1024);
  const literal = model(0x300 << (lc + lp));
  const isMatch = model(STATES << 4), isRep = model(STATES), isRepG0 = model(STATES);
  const isRepG1 = model(STATES), isRepG2 = model(STATES), isRep0Long = model(STATES << 4);
  const posSlot = model(4 << 6), specPos = model(1 + FULL_DISTANCES - END_POS_MODEL), align = model(1 << ALIGN_BITS);
  const lengths = () => ({ choice: model(2), low: model(POS_STATES_MAX << 3), mid: model(POS_STATES_MAX << 3), high: model(256) });
  const matchLen = lengths(), repLen = lengths();
  const length = (l, posState) => {
    if (bit(l.choice, 0) === 0) return tree(l.low, posState << 3, 3);
    if (bit(l.choice, 1) === 0) return 8 + tree(l.mid, posState << 3, 3);
    return 16 + tree(l.high, 0, 8);
  };
  const distance = (len) => {
    const slot = tree(posSlot, Math.min(len, 3) << 6, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** bits;
    if (slot < END_POS_MODEL) return dist + reverse(specPos, dist - slot, bits);
    return dist + direct(bits - ALIGN_BITS) * (1 << ALIGN_BITS) + reverse(align, 0, ALIGN_BITS);
  };

  const pbMask = (1 << pb) - 1, lpMask = (1 << lp) - 1;
  let pos = 0, state = 0, rep0 = 0, rep1 = 0, rep2 = 0, rep3 = 0, pause = STEP;
  while (pos < expectedSize || unknown) {
    if (pos >= pause) {
      pause = pos + STEP;
      yield pos;
    }
    const posState = pos & pbMask;
    if (bit(isMatch, (state << 4) + posState) === 0) {
      if (pos >= expectedSize) throw new LzmaError(`more than the expected ${expectedSize} bytes`);
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
      let s = 1;
      if (state >= 7) {
        if (rep0 >= pos) throw new LzmaError(`distance ${rep0 + 1} before the start at byte ${pos}`);
        let match = out[pos - rep0 - 1];
        while (s < 0x100) {
          const mb = (match >>> 7) & 1;
          match <<= 1;
          const b = bit(literal, base + ((1 + mb) << 8) + s);
          s = (s << 1) | b;
          if (mb !== b) break;
        }
      }
      while (s < 0x100) s = (s << 1) | bit(literal, base + s);
      out[pos++] = s & 0xFF;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len;
    if (bit(isRep, state) === 0) {
      rep3 = rep2; rep2 = rep1; rep1 = rep0;
      len = length(matchLen, posState);
      state = state < 7 ? 7 : 10;
      rep0 = distance(len);
      if (rep0 === 0xFFFFFFFF) {                   // the end marker
        if (pos !== expectedSize) throw new LzmaError(`ended after ${pos} of ${expectedSize} bytes`);
        return out;
      }
    } else {
      if (pos === 0) throw new LzmaError('a repeated match at the start');
      if (bit(isRepG0, state) === 0) {
        if (bit(isRep0Long, (state << 4) + posState) === 0) {   // one byte at rep0
          if (pos >= expectedSize) throw new LzmaError(`more than the expected ${expectedSize} bytes`);
          if (rep0 >= pos) throw new LzmaError(`distance ${rep0 + 1} before the start at byte ${pos}`);
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist;
        if (bit(isRepG1, state) === 0) {
          dist = rep1;
        } else {
          if (bit(isRepG2, state) === 0) dist = rep2;
          else { dist = rep3; rep3 = rep2; }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = length(repLen, posState);
      state = state < 7 ? 8 : 11;
    }
    len += MATCH_MIN;
    if (rep0 >= pos) throw new LzmaError(`distance ${rep0 + 1} before the start at byte ${pos}`);
    if (pos + len > expectedSize) throw new LzmaError(`more than the expected ${expectedSize} bytes`);
    for (let from = pos - rep0 - 1; len > 0; len--) out[pos++] = out[from++];
  }
  return out;
}
