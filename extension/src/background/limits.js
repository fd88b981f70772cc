// limits.js — sliding-window rate limits for content calls (per tab, or tab
// and frame): a page cannot use previews as a probing oracle, nor flood the
// worker with submits and context calls.

export class RateLimit {
  /** limit calls per windowMs per key. */
  constructor(limit, windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.calls = new Map();                              // key → [time]
  }

  /** take counts one call for key; false (and nothing counted) when over the limit. */
  take(key, now = Date.now()) {
    for (const [k, list] of this.calls) {
      const live = list.filter((t) => now - t < this.windowMs);
      if (live.length) this.calls.set(k, live); else this.calls.delete(k);
    }
    const list = this.calls.get(key) ?? [];
    if (list.length >= this.limit) return false;
    list.push(now);
    this.calls.set(key, list);
    return true;
  }

  describe(what) { return `at most ${this.limit} ${what} per ${this.windowMs / 1000} s`; }
}
