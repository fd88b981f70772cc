// chip.js — isolated world: the "N memories" chip near the composer and its
// preview (remove items, skip this message). Filled in by the chip work.
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.chip) return;
  ns.chip = null;
})();
