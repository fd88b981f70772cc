// keys.js — item keys: the preview names each item by an opaque key, never by
// the engine's id (which carries the site and session). A key is 16 random hex
// digits drawn the first time this worker shows the id, kept in a bounded
// two-way table (oldest dropped first) — a random function of the id, like a
// salted hash, but synchronous and reversible without recomputing a context.
// Keys are stable while the worker lives, so an exclusion keeps applying as
// the user goes on typing. A key the table no longer holds (the worker was
// restarted, or evicted it) cannot be honoured: the context call then fails
// closed (nothing injected) rather than send an item the user removed.

const MAX_KEYS = 4096;
const keyOf = new Map();                                 // engine id → key
const idOf = new Map();                                  // key → engine id

/** keyFor returns the key of an engine item id (drawing one the first time). */
export function keyFor(itemId) {
  let key = keyOf.get(itemId);
  if (key) return key;
  do key = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  while (idOf.has(key));
  keyOf.set(itemId, key);
  idOf.set(key, itemId);
  if (keyOf.size > MAX_KEYS) {
    const [oldId, oldKey] = keyOf.entries().next().value;
    keyOf.delete(oldId);
    idOf.delete(oldKey);
  }
  return key;
}

/** excludedIds maps keys to engine ids (deduplicated), or null when one is unknown. */
export function excludedIds(list = []) {
  const ids = list.map((k) => idOf.get(k));
  return ids.every((x) => typeof x === 'string') ? [...new Set(ids)] : null;
}
