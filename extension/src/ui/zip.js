// zip.js — reads one member of a .zip the user picked, in the page, without
// a library: the end-of-central-directory record, the central directory,
// the member's local header, then its data streamed through
// DecompressionStream('deflate-raw') (or as is when stored), checked
// against the directory's size and CRC-32 at the end. Strict: anything
// unexpected is a ZipError with one readable sentence. ZIP64 (members or
// archives over 4 GB, or more than 65,535 members), encryption, split
// archives and methods other than stored and deflate are refused clearly.

/** MAX_BYTES caps a member, compressed and uncompressed. */
export const MAX_BYTES = 2 * 1024 ** 3;

export class ZipError extends Error {}

const EOCD = 0x06054b50, CEN = 0x02014b50, LOC = 0x04034b50, EOCD64_LOCATOR = 0x07064b50;
const ZIP64 = 'it uses the ZIP64 format (an archive or file over 4 GB), which Confidant cannot read: unzip it and pick conversations.json instead';

async function bytesAt(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

/** isZip reports whether bytes start like a zip archive ("PK\3\4", or "PK\5\6" for an empty one). */
export const isZip = (b) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);

/**
 * entries reads the central directory of a zip File/Blob and returns its
 * members: {name, method, flags, crc, csize, size, offset}.
 */
export async function entries(file) {
  if (file.size < 22) throw new ZipError('the file is too short to be a zip archive');
  const tailStart = Math.max(0, file.size - 22 - 0xffff);
  const tail = await bytesAt(file, tailStart, file.size);
  const v = new DataView(tail.buffer);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    // The record's comment must end exactly at the end of the file.
    if (v.getUint32(i, true) === EOCD && i + 22 + v.getUint16(i + 20, true) === tail.length) { at = i; break; }
  }
  if (at < 0) throw new ZipError('it is not a complete zip archive (no end-of-directory record: the download may be cut short)');
  if (at >= 20 && v.getUint32(at - 20, true) === EOCD64_LOCATOR) throw new ZipError(ZIP64);
  const disk = v.getUint16(at + 4, true), cdDisk = v.getUint16(at + 6, true);
  const count = v.getUint16(at + 10, true), cdSize = v.getUint32(at + 12, true), cdOffset = v.getUint32(at + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipError(ZIP64);
  if (disk !== 0 || cdDisk !== 0 || v.getUint16(at + 8, true) !== count) throw new ZipError('it is a split (multi-part) zip archive, which Confidant cannot read');
  const eocdPos = tailStart + at;
  if (cdOffset + cdSize > eocdPos) throw new ZipError('its directory is damaged (it points past the end of the archive)');
  const cd = await bytesAt(file, cdOffset, cdOffset + cdSize);
  const d = new DataView(cd.buffer);
  const names = new TextDecoder();
  const out = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || d.getUint32(p, true) !== CEN) throw new ZipError(`its directory is damaged (entry ${i + 1} of ${count} is unreadable)`);
    const nlen = d.getUint16(p + 28, true), xlen = d.getUint16(p + 30, true), clen = d.getUint16(p + 32, true);
    if (p + 46 + nlen > cd.length) throw new ZipError(`its directory is damaged (entry ${i + 1} of ${count} is cut short)`);
    const e = {
      name: names.decode(cd.subarray(p + 46, p + 46 + nlen)),
      flags: d.getUint16(p + 8, true), method: d.getUint16(p + 10, true), crc: d.getUint32(p + 16, true),
      csize: d.getUint32(p + 20, true), size: d.getUint32(p + 24, true), offset: d.getUint32(p + 42, true),
    };
    if (e.csize === 0xffffffff || e.size === 0xffffffff || e.offset === 0xffffffff) throw new ZipError(ZIP64);
    if (e.offset + e.csize > cdOffset) throw new ZipError(`its directory is damaged (${e.name} points past the archive's data)`);
    out.push(e);
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

/** find returns the member named name at the shallowest depth (ignoring macOS "__MACOSX/" copies), or null. */
export function find(list, name) {
  const hits = list.filter((e) => (e.name === name || e.name.endsWith('/' + name)) && !e.name.startsWith('__MACOSX/'));
  hits.sort((a, b) => a.name.split('/').length - b.name.split('/').length);
  return hits[0] ?? null;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** crc32 continues a CRC-32 over bytes (start with 0). */
export function crc32(crc, bytes) {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * open checks a member's local header and returns a ReadableStream of its
 * uncompressed bytes that errors with a ZipError if the data is damaged or
 * does not match the directory (size, CRC-32).
 */
export async function open(file, e) {
  if (e.flags & 1) throw new ZipError(`${e.name} is encrypted (a password-protected zip), which Confidant cannot read`);
  if (e.method !== 0 && e.method !== 8) throw new ZipError(`${e.name} is compressed with method ${e.method}; only stored and deflate are supported`);
  if (e.size > MAX_BYTES || e.csize > MAX_BYTES) throw new ZipError(`${e.name} is ${Math.ceil(e.size / 1024 ** 2)} MB; the limit is ${MAX_BYTES / 1024 ** 3} GB`);
  if (e.method === 0 && e.csize !== e.size) throw new ZipError(`its directory is damaged (${e.name} is stored with two different sizes)`);
  const h = await bytesAt(file, e.offset, e.offset + 30);
  const v = new DataView(h.buffer);
  if (h.length < 30 || v.getUint32(0, true) !== LOC) throw new ZipError(`it is damaged (the header of ${e.name} is missing)`);
  const start = e.offset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
  if (start + e.csize > file.size) throw new ZipError(`it is damaged (${e.name} is cut short)`);
  let data = file.slice(start, start + e.csize).stream();
  if (e.method === 8) data = data.pipeThrough(new DecompressionStream('deflate-raw'));
  let n = 0, crc = 0;
  const damaged = (why) => new ZipError(`it is damaged: ${e.name} ${why}`);
  return data.pipeThrough(new TransformStream({
    transform(chunk, ctl) {
      n += chunk.length;
      if (n > e.size) throw damaged('holds more data than its directory says');
      crc = crc32(crc, chunk);
      ctl.enqueue(chunk);
    },
    flush() {
      if (n !== e.size) throw damaged(`holds ${n} bytes, its directory says ${e.size}`);
      if (crc !== e.crc) throw damaged('fails its checksum');
    },
  }));
}

/** explain turns a decompression failure into a ZipError (other errors pass). */
export function explain(err, name) {
  if (err instanceof ZipError) return err;
  if (err instanceof TypeError) return new ZipError(`it is damaged: ${name} could not be decompressed`);
  return err;
}
