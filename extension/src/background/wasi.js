// wasi.js — the minimal wasi_snapshot_preview1 the engine module needs in a
// browser. Go's wasip1 runtime really calls only the clock, random, args and
// environ sizes, fd_fdstat_get, fd_prestat_get, fd_write (panics, prints),
// proc_exit, sched_yield and poll_oneoff (every timer or sleep; an error there
// kills the runtime). Every other import the module declares is listed in
// STUBS and answers ENOSYS. test/wasi.test.mjs fails if the module imports a
// name that is neither implemented nor listed, so a new import gets a review.

const ESUCCESS = 0, EBADF = 8, EINVAL = 28, ENOSYS = 52;
/**
 * MAX_WAIT_NS caps one poll_oneoff wait: it spins the service worker's only
 * thread, so a longer sleep is refused (EINVAL) rather than freezing it.
 */
export const MAX_WAIT_NS = 1_000_000_000n;
const STUBS = ['fd_close', 'fd_read', 'fd_fdstat_set_flags', 'fd_prestat_dir_name'];

/** WasiExit is thrown by proc_exit: the module asked to stop. */
export class WasiExit extends Error {
  constructor(code) { super(`wasm module exited with code ${code}`); this.code = code; }
}

/** createWasi returns {imports, setMemory}; call setMemory(instance.exports.memory) before _initialize. */
export function createWasi({ log = console.log, error = console.error } = {}) {
  let memory = null;
  const view = () => new DataView(memory.buffer);          // re-read: growth detaches the buffer
  const bytes = (p, n) => new Uint8Array(memory.buffer, p, n);
  const nowNs = (id) => id === 0                            // 0 realtime, else monotonic
    ? BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))
    : BigInt(Math.round(performance.now() * 1e6));
  const lines = { 1: '', 2: '' };
  const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };   // stream: a character may span writes
  const zeroPair = (a, b) => { const v = view(); v.setUint32(a, 0, true); v.setUint32(b, 0, true); return ESUCCESS; };

  const wasi = {
    clock_time_get(id, _precision, out) { view().setBigUint64(out, nowNs(id), true); return ESUCCESS; },
    random_get(p, n) {
      for (let off = 0; off < n; off += 65536) crypto.getRandomValues(bytes(p + off, Math.min(65536, n - off)));
      return ESUCCESS;
    },
    args_sizes_get: zeroPair, environ_sizes_get: zeroPair,
    args_get: () => ESUCCESS, environ_get: () => ESUCCESS,
    fd_fdstat_get(fd, out) {
      if (fd > 2) return EBADF;
      const v = view();
      v.setUint8(out, 2); v.setUint16(out + 2, 0, true);     // character device, no flags
      v.setBigUint64(out + 8, 0n, true); v.setBigUint64(out + 16, 0n, true);
      return ESUCCESS;
    },
    fd_prestat_get: () => EBADF,                              // no preopened directories
    fd_write(fd, iovs, n, written) {
      if (fd !== 1 && fd !== 2) return EBADF;
      const v = view(); let text = '', total = 0;
      for (let i = 0; i < n; i++) {
        const p = v.getUint32(iovs + 8 * i, true), len = v.getUint32(iovs + 8 * i + 4, true);
        text += decoders[fd].decode(bytes(p, len), { stream: true }); total += len;
      }
      const parts = (lines[fd] + text).split('\n');
      lines[fd] = parts.pop();
      for (const line of parts) (fd === 2 ? error : log)(`[confidant.wasm] ${line}`);
      v.setUint32(written, total, true);
      return ESUCCESS;
    },
    proc_exit(code) { throw new WasiExit(code); },
    sched_yield: () => ESUCCESS,
    // A call into wasm cannot yield to the event loop, so a clock subscription
    // is honoured by waiting in place until the earliest deadline (at most
    // MAX_WAIT_NS away, else EINVAL); fd
    // subscriptions are reported ready at once (the module reads no fds).
    poll_oneoff(inPtr, outPtr, nsubs, neventsPtr) {
      if (nsubs === 0) return EINVAL;
      let v = view();
      const due = [];                                           // monotonic deadline per subscription
      for (let i = 0; i < nsubs; i++) {
        const s = inPtr + 48 * i;
        if (v.getUint8(s + 8) !== 0) { due.push(0n); continue; } // fd event: ready now
        const id = v.getUint32(s + 16, true), t = v.getBigUint64(s + 24, true);
        const abs = (v.getUint16(s + 40, true) & 1) ? t - nowNs(id) + nowNs(1) : nowNs(1) + t;
        due.push(abs);
      }
      const first = due.reduce((a, b) => (b < a ? b : a));
      if (first - nowNs(1) > MAX_WAIT_NS) return EINVAL;        // never spin for longer than the cap
      while (nowNs(1) < first) { /* the module asked to sleep */ }
      v = view();
      const now = nowNs(1);
      let count = 0;
      for (let i = 0; i < nsubs; i++) {
        if (due[i] > now) continue;
        const s = inPtr + 48 * i, e = outPtr + 32 * count++;
        v.setBigUint64(e, v.getBigUint64(s, true), true);       // userdata
        v.setUint16(e + 8, ESUCCESS, true); v.setUint8(e + 10, v.getUint8(s + 8));
        v.setBigUint64(e + 16, 0n, true); v.setUint16(e + 24, 0, true);
      }
      v.setUint32(neventsPtr, count, true);
      return ESUCCESS;
    },
  };
  for (const name of STUBS) wasi[name] = () => ENOSYS;
  return { imports: { wasi_snapshot_preview1: wasi }, setMemory(m) { memory = m; } };
}
