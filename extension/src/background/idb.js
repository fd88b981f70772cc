// idb.js — the two promise wrappers over IndexedDB requests that store.js
// and prefs.js share, and the durability they both ask for.

/** STRICT asks that a transaction be on disk before it completes. */
export const STRICT = Object.freeze({ durability: 'strict' });

/** done resolves when tx commits and rejects when it aborts or fails. */
export const done = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
});

/** result resolves to a request's result. */
export const result = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});
