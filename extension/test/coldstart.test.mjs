// Measures service-worker cold start to the first answered recall with 10,000
// stored turns (printed, not asserted: timings live in benchmarks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openManager, op, stopWorker, storeTurns } from './helpers.mjs';

test('cold start to first recall with 10,000 stored turns', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await openManager(browser);
  await storeTurns(page, 10_000);
  const runs = [];
  for (let run = 0; run < 3; run++) {
    await stopWorker(browser, page);
    const { ms, reply } = await page.evaluate(async () => {
      const t0 = performance.now();
      const reply = await chrome.runtime.sendMessage({ kind: 'op', request: { op: 'recall', text: 'code word zq7777' } });
      return { ms: performance.now() - t0, reply };
    });
    assert.equal(reply.hits?.[0]?.id, 't7777', JSON.stringify(reply).slice(0, 200));
    const status = await op(page, { op: 'status' });
    assert.equal(status.engine.turns, 10000);
    runs.push({ ms, ...status.timings, snapshot_bytes: status.snapshot?.size, log: status.log });
  }
  for (const r of runs) {
    const f = (x) => (typeof x === 'number' ? x.toFixed(0) : x);
    console.log(`cold start → first recall, 10,000 turns: ${f(r.ms)} ms (worker scripts ${f(r.boot_ms)} ms, then ready in ${f(r.ready_ms)} ms: ` +
      `module ${f(r.engine_ms)} (read ${f(r.module_read_ms)}, compile ${f(r.compile_ms)}, instantiate ${f(r.instantiate_ms)}, start ${f(r.init_ms)}) and database ${f(r.load_ms)} at once (read ${f(r.read_ms)}), import ${f(r.import_ms)}, replay ${f(r.replay_ms)} ms of ${r.replayed} records; first recall ${f(r.first_op_ms)} ms, ` +
      `answered ${f(r.answered_ms)} ms after the worker started; ` +
      `snapshot ${(r.snapshot_bytes / 1048576).toFixed(1)} MiB, log ${r.log})`);
  }
});
