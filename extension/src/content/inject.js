// inject.js — isolated world side of the page channel (page.js is the MAIN
// world side). Chromium injects a file once per document, so the adapters live
// here only: page.js forwards each outgoing POST body over the channel and
// gets back either null (leave it alone) or the rewritten body.
//
// On the user's trusted submit, submitted() tells the worker (submit) and asks
// for the context of exactly that text (context). A forwarded request is
// rewritten only when the active adapter recognises it (shape-checked) and its
// prompt equals a text submitted within SUBMIT_TTL_MS, once; it waits at most
// WAIT_MS for that block. So the MAIN world never receives anything but the
// block for the prompt the user actually sent, inside that prompt's request.
// Messages on the channel carry this page load's nonce.
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.inject) return;
  const WAIT_MS = 300;
  const SUBMIT_TTL_MS = 10_000;
  const MAX_PENDING = 8;
  const nonce = crypto.randomUUID();
  const pending = [];                                    // [{text, at, block: Promise<string>}]
  const waiters = new Set();

  function submitted(text, send) {
    const block = (async () => {
      const ok = await send({ kind: 'submit', text });
      if (!ok?.ok) return '';
      const context = await send({ kind: 'context', text });
      return typeof context?.text === 'string' ? context.text : '';
    })().catch(() => '');
    pending.push({ text, at: Date.now(), block });
    if (pending.length > MAX_PENDING) pending.shift();
    for (const w of waiters) w();
    return block;
  }

  // blockFor resolves to the block for a just-submitted text ('' if none within WAIT_MS), once.
  function blockFor(text) {
    const deadline = new Promise((resolve) => setTimeout(() => resolve(''), WAIT_MS));
    const find = () => {
      const now = Date.now();
      const i = pending.findIndex((p) => p.text === text && now - p.at <= SUBMIT_TTL_MS);
      return i < 0 ? null : pending.splice(i, 1)[0].block;
    };
    const found = find();
    const submit = found ?? new Promise((resolve) => {
      const check = () => { const b = find(); if (b) { waiters.delete(check); resolve(b); } };
      waiters.add(check);
      deadline.then(() => waiters.delete(check));
    });
    return Promise.race([submit, deadline]);
  }

  function open(adapter, strip, marker) {
    window.addEventListener('message', async (e) => {
      const d = e.data;
      if (e.source !== window || !d || typeof d !== 'object' || d.confidant !== 'request' || d.nonce !== nonce) return;
      if (typeof d.id !== 'string' || typeof d.url !== 'string' || typeof d.body !== 'string') return;
      let body = null;
      try {
        const prompt = adapter.requestPrompt(d.url, d.body);
        if (typeof prompt === 'string' && prompt && !prompt.includes(marker)) {
          const block = await blockFor(strip(prompt));
          if (block) body = adapter.rewriteRequest(d.url, d.body, block);
        }
      } catch { body = null; }
      window.postMessage({ confidant: 'response', nonce, id: d.id, body: typeof body === 'string' ? body : null }, '*');
    });
    window.postMessage({ confidant: 'hello', nonce }, '*');
  }

  ns.inject = { open, submitted };
})();
