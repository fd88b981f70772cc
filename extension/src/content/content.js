// content.js — isolated-world bootstrap (after adapters/*, capture.js, inject.js, chip.js).
// Picks the adapter for this page, opens the page channel and wires the
// trusted submit to capture, the chip's veto and injection. Runs once per page.
//
// The site's state: asked at start (kind "state") and again whenever the
// worker broadcasts that the switches changed ({kind: "confidant:state"});
// until the first answer, and whenever it says off (paused, or this site
// switched off), everything stays inert: no chip, no capture, no previews,
// no submits, no composer insertion, and the page channel answers null.
(() => {
  const ns = globalThis.__confidant;
  if (!ns?.registry || !ns.capture || !ns.inject || !ns.kit || ns.started) return;
  ns.started = true;
  const adapter = ns.registry.forUrl(location.href);
  if (!adapter) return;
  const { strip } = ns.registry;
  const { state } = ns.kit;
  const session = 'p-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  ns.inject.open(adapter, strip, ns.registry.MARKER_BEGIN);
  const capture = ns.capture.start(adapter, { strip, session });
  const chip = ns.chip?.start(adapter, { strip, send: capture.send }) ?? null;

  // ask asks the worker for this site's state; the latest question wins.
  let asked = 0;
  const ask = async () => {
    const mine = ++asked;
    const reply = await capture.send({ kind: 'state' });
    if (mine === asked) state.set(reply?.on === true);
  };
  chrome.runtime.onMessage.addListener((message, sender) => {
    // Only the extension's own worker can send to a content script's onMessage.
    if (sender?.id === chrome.runtime.id && message?.kind === 'confidant:state') ask();
  });
  ask();

  adapter.onSubmit(document, (raw) => {
    if (!state.isOn()) return;
    const text = strip(raw);
    if (!text) return;
    // The veto (removed items, skip) is for this submit only: taken, then reset.
    const veto = chip ? chip.take(text) : { skip: false, exclude: [], block: '' };
    let via = 'request', unsent = false;
    if (!veto.skip && ns.inject.rewriteFailed()) {
      // The request rewrite failed on this page: the block goes into the
      // composer now, synchronously in the capture-phase handler, before the
      // site reads it — the block the chip previewed for exactly this text
      // (within the last BLOCK_TTL_MS, on a site that is on; see chip.js).
      via = 'composer';
      unsent = !veto.block || !adapter.insertIntoComposer(document, veto.block);
    }
    capture.submitted();
    // Context first (the request is waiting for it), then learn the turn, so
    // that a prompt's context never contains the prompt itself.
    ns.inject.submitted(text, capture.send, { skip: veto.skip || unsent, exclude: veto.exclude, via },
      (outcome) => chip?.told(unsent ? 'unsent' : outcome))
      .finally(() => capture.user(text));
  });
})();
