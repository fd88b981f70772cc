// content.js — isolated-world bootstrap (after adapters/*, capture.js, inject.js, chip.js).
// Picks the adapter for this page, opens the page channel and wires the
// trusted submit to capture, the chip's veto and injection. Runs once per page.
(() => {
  const ns = globalThis.__confidant;
  if (!ns?.registry || !ns.capture || !ns.inject || ns.started) return;
  ns.started = true;
  const adapter = ns.registry.forUrl(location.href);
  if (!adapter) return;
  const { strip } = ns.registry;
  const session = 'p-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  ns.inject.open(adapter, strip, ns.registry.MARKER_BEGIN);
  const capture = ns.capture.start(adapter, { strip, session });
  const chip = ns.chip?.start(adapter, { strip, send: capture.send }) ?? null;
  adapter.onSubmit(document, (raw) => {
    const text = strip(raw);
    if (!text) return;
    // The veto (removed items, skip) is for this submit only: taken, then reset.
    const veto = chip ? chip.take(text) : { skip: false, exclude: [], block: '' };
    let via = 'request', unsent = false;
    if (!veto.skip && ns.inject.rewriteFailed()) {
      // The request rewrite failed on this page: the block goes into the
      // composer now, synchronously in the capture-phase handler, before the
      // site reads it — the block the chip previewed for exactly this text.
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
