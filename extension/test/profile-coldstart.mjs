// profile-coldstart.mjs — a tool, not a test: profiles one service-worker
// cold start to the first answered recall with 10,000 stored turns and
// prints where the time went, by function (wasm functions by Go name).
// Usage: node --experimental-websocket test/profile-coldstart.mjs [runs]
// (INCLUSIVE=1: time by function including its callees; FOCUS=<function>:
// only the samples with it on the stack; TOP=n rows)
// The profiler logs every function compiled while it runs, so code run for
// the first time (a cold start's JSON, say) looks dearer than it is: check a
// lead against the cold-start test's medians before acting on it. What V8's
// optimizing compiler recompiles is listed by RATIONALE.md's recipe ("Why are
// the load's loops in functions of their own?").
// with, to name wasm functions, NAMES=<the module built without -ldflags=-s>:
//   GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o /tmp/named.wasm ./wasm/reactor
import { readFileSync } from 'node:fs';
import { launch, openManager, op, stopWorker, storeTurns } from './helpers.mjs';

// The shipped module has no name section; NAMES=<same build without -s>
// (see the usage line) names its functions.
const names = process.env.NAMES ? wasmNames(readFileSync(process.env.NAMES)) : new Map();

const port = 9300 + Math.floor(Math.random() * 500);
process.env.CONFIDANT_CHROMIUM_ARGS = [process.env.CONFIDANT_CHROMIUM_ARGS, `--remote-debugging-port=${port}`].filter(Boolean).join(' ');
const browser = await launch();
try {
  const page = await openManager(browser);
  await storeTurns(page, 10_000);
  const session = await cdpConnect(port);
  const runs = Number(process.argv[2] ?? 3);
  const total = new Map();
  for (let run = 0; run < runs; run++) {
    await stopWorker(browser, page);
    // A browser-wide trace with V8's sampling profiler catches the worker
    // from its first instruction (attaching to it would be too late).
    const events = [];
    const collect = ({ value }) => events.push(...value);
    session.on('Tracing.dataCollected', collect);
    let done;
    const complete = new Promise((resolve) => { done = resolve; session.on('Tracing.tracingComplete', done); });
    await session.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['disabled-by-default-v8.cpu_profiler', 'v8'] } });
    const r = await page.evaluate(async () => {
      const t0 = performance.now();
      const reply = await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'recall', text: 'code word zq7777' } });
      return { ms: performance.now() - t0, hit: reply.hits?.[0]?.id };
    });
    await session.send('Tracing.end');
    await complete;
    session.off('Tracing.dataCollected', collect);
    session.off('Tracing.tracingComplete', done);
    const profile = workerProfile(events, browser.id);
    const self = selfTimes(profile);
    const status = await op(page, { op: 'status' });
    console.log(`run ${run}: ${r.ms.toFixed(0)} ms to ${r.hit}; import ${status.timings.import_ms?.toFixed(0)} ms`);
    for (const [k, v] of self) total.set(k, (total.get(k) ?? 0) + v);
  }
  const rows = [...total].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 60));
  for (const [name, us] of rows) console.log(`${(us / 1000 / runs).toFixed(1).padStart(7)} ms  ${name}`);
  session.close();
} finally {
  await browser.close();
}

// cdpConnect opens a raw CDP connection to the browser target, for the
// browser-wide trace (a persistent Playwright context offers no browser-level
// session). Needs node --experimental-websocket on Node 20.
async function cdpConnect(port) {
  const { webSocketDebuggerUrl } = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
  const ws = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let nextId = 1;
  const pending = new Map();
  const handlers = new Map();
  ws.onmessage = ({ data }) => {
    const m = JSON.parse(data);
    if (m.id) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`)); else p.resolve(m.result);
    } else for (const h of handlers.get(m.method) ?? []) h(m.params, m.sessionId);
  };
  return {
    send(method, params = {}, sessionId) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
    },
    on(method, h) { handlers.set(method, [...(handlers.get(method) ?? []), h]); },
    off(method, h) { handlers.set(method, (handlers.get(method) ?? []).filter((x) => x !== h)); },
    close() { ws.close(); },
  };
}

// workerProfile assembles the sampled CPU profile of the thread that ran
// the extension's worker script from the trace's Profile/ProfileChunk events.
function workerProfile(events, extensionId) {
  const profiles = new Map();
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}/${e.id}`;
    const p = profiles.get(key) ?? { nodes: [], samples: [], timeDeltas: [], ours: false };
    const c = e.args.data.cpuProfile ?? {};
    for (const n of c.nodes ?? []) {
      p.nodes.push(n);
      if (n.callFrame?.url?.includes(extensionId)) p.ours = true;
    }
    p.samples.push(...(c.samples ?? []));
    p.timeDeltas.push(...(e.args.data.timeDeltas ?? []));
    profiles.set(key, p);
  }
  const ours = [...profiles.values()].filter((p) => p.ours && p.nodes.some((n) => n.callFrame?.url?.endsWith('sw.js')));
  if (!ours.length) throw new Error('no profile of the worker in the trace');
  return ours.reduce((a, b) => (a.samples.length > b.samples.length ? a : b));
}

// selfTimes sums the sampled time by function: the time it ran itself, or
// with INCLUSIVE=1 the time it was anywhere on the stack (callees included,
// each sample counted once per function); with FOCUS=<name> only the
// samples taken while that function was on the stack.
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) {
    if (n.parent !== undefined) parent.set(n.id, n.parent);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const counts = new Map();
  const dt = profile.timeDeltas;
  const nameOf = (f) => {
    const w = /^wasm-function\[(\d+)\]$/.exec(f.functionName);
    return (w && names.get(Number(w[1]))) || (f.functionName || '(anonymous)') + (f.url && !f.url.endsWith('.wasm') ? ' ' + f.url.split('/').pop() + ':' + f.lineNumber : '');
  };
  const focus = process.env.FOCUS;
  const under = (id) => {
    for (let n = id; n !== undefined; n = parent.get(n)) if (nameOf(byId.get(n).callFrame) === focus) return true;
    return false;
  };
  profile.samples.forEach((id, i) => {
    const t = dt[i + 1] ?? dt[i];
    if (focus && !under(id)) return;
    const seen = new Set();
    for (let n = id; n !== undefined; n = process.env.INCLUSIVE ? parent.get(n) : undefined) {
      const name = nameOf(byId.get(n).callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      counts.set(name, (counts.get(name) ?? 0) + t);
    }
  });
  return counts;
}

// wasmNames reads the function names of a module's name section.
function wasmNames(b) {
  let at = 8;
  const u32 = () => { let r = 0, shift = 0, x; do { x = b[at++]; r |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80); return r >>> 0; };
  const names = new Map();
  while (at < b.length) {
    const id = b[at++], size = u32(), end = at + size;
    if (id === 0) {
      const n = u32(), name = b.subarray(at, at + n).toString(); at += n;
      if (name === 'name') {
        while (at < end) {
          const sub = b[at++], len = u32(), subEnd = at + len;
          if (sub === 1) {
            for (let count = u32(); count > 0; count--) {
              const idx = u32(), l = u32();
              names.set(idx, b.subarray(at, at + l).toString()); at += l;
            }
          }
          at = subEnd;
        }
      }
    }
    at = end;
  }
  return names;
}
