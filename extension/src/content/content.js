// content.js — isolated-world bootstrap (after adapters/*, capture.js, inject.js).
// Picks the adapter for this page, opens the page channel and wires the
// trusted submit to capture and injection. Runs once per page.
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
  adapter.onSubmit(document, (raw) => {
    const text = strip(raw);
    if (!text) return;
    capture.submitted();
    // Context first (the request is waiting for it), then learn the turn, so
    // that a prompt's context never contains the prompt itself.
    ns.inject.submitted(text, capture.send).finally(() => capture.user(text));
  });
})();
