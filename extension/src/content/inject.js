// inject.js — isolated world side of the page channel (page.js is the MAIN
// world side). Chromium injects a file once per document, so the adapters live
// here only: page.js forwards each outgoing POST body over the channel and
// gets back either null (leave it alone) or the rewritten body.
//
// On the user's trusted submit, submitted() tells the worker (submit) and asks
// for the context of exactly that text (context), without the items the user
// removed in the chip's preview (exclude), or asks nothing when the user
// skipped memories for this message. A forwarded request is rewritten only
// when the active adapter recognises it (shape-checked) and its prompt equals
// a text submitted within SUBMIT_TTL_MS (kit.SUBMIT_TTL_MS), once; it waits at
// most FIND_MS for that submit to be seen and then at most BLOCK_MS for its
// block (a request no submit matches is answered within FIND_MS). So the MAIN world never receives anything but
// the block for the prompt the user actually sent, inside that prompt's
// request.
//
// The channel is window.postMessage on the page's own window: the page sees
// every message on it, and the nonce is announced to the page (hello), so the
// nonce is NOT a secret and authenticates nothing — it only keeps this page
// load's messages apart from stray ones. The guarantee does not rest on it: a
// request the page forges or alters is answered with a block only when its
// prompt equals a text the user just submitted (a trusted event seen here),
// once, within SUBMIT_TTL_MS — which is the block the page would receive in
// that prompt's own request anyway.
//
// While the site is off or paused (kit.state) every request is answered null
// at once, pending submits are dropped, and page.js is told to stop
// forwarding ({confidant: "state", on}; a page can forge that message too,
// which only stops its own requests from being looked at).
//
// Rewrite failure: when a submit had a block but no request of the known shape
// carried its prompt while the block could be used (SUBMIT_TTL_MS), the
// block is lost and the site's request format has most likely changed (or it
// sends prompts another way): rewriteFailed() turns true for this page, and
// content.js inserts the block into the composer on the following submits.
// (A body merely containing the prompt is no sign: ChatGPT's /prepare
// preflight and typeahead calls carry it too.)
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.inject) return;
  const FIND_MS = 300;                                   // a request waits this long for its trusted submit to be seen
  const BLOCK_MS = 1000;                                 // a matched submit waits this long for its block: covers a cold
                                                         // start of the worker (RATIONALE: how long may a send wait)
  const { SUBMIT_TTL_MS, state } = ns.kit;
  const MAX_PENDING = 8;
  const nonce = crypto.randomUUID();                    // not a secret: see above
  const pending = [];                                    // [{text, at, block: Promise<string>, settle(outcome)}]
  const waiters = new Set();
  let failed = false;

  /**
   * submitted(text, send, {skip, exclude, via}) → Promise<block string>
   * ('' when nothing is injected). via is 'request' (rewrite the outgoing
   * request) or 'composer' (content.js already inserted the block into the
   * composer: the request is left alone, the context call only records what
   * was injected). onOutcome receives once: 'rewritten' | 'late' (the block
   * came after the request left) | 'lost' (no request of the known shape took
   * the block) | 'composer' | 'none' (nothing to inject) | 'skipped'.
   */
  function submitted(text, send, { skip = false, exclude = [], via = 'request' } = {}, onOutcome = () => {}) {
    if (!state.isOn()) return Promise.resolve('');
    let told = false;
    const settle = (outcome) => { if (!told) { told = true; try { onOutcome(outcome); } catch {} } };
    const entry = { text, at: Date.now(), settle, used: false };
    const block = skip ? Promise.resolve('') : (async () => {
      const ok = await send({ kind: 'submit', text });
      if (!ok?.ok) return '';
      const context = await send({ kind: 'context', text, ...(exclude.length && { exclude }) });
      return typeof context?.text === 'string' ? context.text : '';
    })().catch(() => '');
    entry.block = via === 'composer' ? block.then(() => '') : block;
    pending.push(entry);
    if (pending.length > MAX_PENDING) pending.shift();
    for (const w of waiters) w();
    if (skip) settle('skipped');
    else if (via === 'composer') block.then((b) => settle(b ? 'composer' : 'none'));
    else {
      block.then((b) => {
        if (!b) return settle('none');
        setTimeout(() => { if (!entry.used && state.isOn()) { failed = true; settle('lost'); } }, Math.max(0, entry.at + SUBMIT_TTL_MS - Date.now()));
      });
    }
    return block;
  }

  // blockFor resolves to {block, entry} for a just-submitted text (block ''
  // if none within BLOCK_MS), once; entry is null when no submit matched
  // within FIND_MS.
  function blockFor(text) {
    const after = (ms) => new Promise((resolve) => setTimeout(() => resolve(null), ms));
    const deadline = after(FIND_MS);
    const find = () => {
      const now = Date.now();
      const i = pending.findIndex((p) => p.text === text && now - p.at <= SUBMIT_TTL_MS);
      if (i < 0) return null;
      const entry = pending.splice(i, 1)[0];
      entry.used = true;
      return entry;
    };
    const found = find();
    const submit = found ? Promise.resolve(found) : new Promise((resolve) => {
      const check = () => { const e = find(); if (e) { waiters.delete(check); resolve(e); } };
      waiters.add(check);
      deadline.then(() => waiters.delete(check));
    });
    return Promise.race([submit, deadline]).then(async (entry) => {
      if (!entry) return { block: '', entry: null };
      const block = await Promise.race([entry.block, after(BLOCK_MS).then(() => '')]);
      return { block, entry };
    });
  }

  function open(adapter, strip, marker) {
    window.addEventListener('message', async (e) => {
      const d = e.data;
      if (e.source !== window || !d || typeof d !== 'object' || d.confidant !== 'request' || d.nonce !== nonce) return;
      if (typeof d.id !== 'string' || typeof d.url !== 'string' || typeof d.body !== 'string') return;
      let body = null;
      if (state.isOn()) try {
        const prompt = adapter.requestPrompt(d.url, d.body);
        if (typeof prompt === 'string' && prompt && !prompt.includes(marker)) {
          const { block, entry } = await blockFor(strip(prompt));
          if (block) body = adapter.rewriteRequest(d.url, d.body, block);
          // Taken by a request of the known shape: rewritten, or too late.
          if (entry) entry.block.then((b) => { if (b) entry.settle(typeof body === 'string' ? 'rewritten' : 'late'); });
        }
      } catch { body = null; }
      window.postMessage({ confidant: 'response', nonce, id: d.id, body: typeof body === 'string' ? body : null }, '*');
    });
    window.postMessage({ confidant: 'hello', nonce, on: state.isOn() }, '*');
    state.watch((on) => {
      if (!on) pending.length = 0;
      window.postMessage({ confidant: 'state', nonce, on }, '*');
    });
  }

  ns.inject = { open, submitted, rewriteFailed: () => failed };
})();
