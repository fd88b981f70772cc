// page.js — MAIN world, document_start. Holds no memories, no adapters and no
// capabilities: it wraps fetch (fetch(url, init) and fetch(Request)) and
// XMLHttpRequest.send, and hands each outgoing POST with a text body to the
// isolated world (inject.js) over a window.postMessage channel. The answer is
// null (send the request untouched) or the body with the context block
// prepended. Before the channel is open, while the isolated world says the
// site is off or paused, or when no answer comes within ANSWER_MS, the request
// goes out untouched.
//
// What the channel guarantees: the isolated world gives a block only for a
// request whose prompt equals a text the user just submitted (a trusted event
// it saw itself), once, within a few seconds — the block that goes in that
// prompt's own request. The nonce on the channel is not a secret (the page
// sees the hello that announces it, and can post on the channel itself); it
// keeps one page load's messages apart, nothing more. Everything here runs
// in the page's world and can be replaced by the page: it is a convenience
// for the page's own requests, not a security boundary.
(() => {
  const GUARD = Symbol.for('confidant.page');
  if (window[GUARD]) return;
  Object.defineProperty(window, GUARD, { value: true });
  const ANSWER_MS = 1400;                                // the isolated world answers within FIND_MS + BLOCK_MS (1.3 s)
  const MAX_BODY = 1 << 20;

  let nonce = null;
  let on = false;                                        // the site's state, as the isolated world last said
  const answers = new Map();                             // id → resolve
  window.addEventListener('message', (e) => {
    const d = e.data;
    if (e.source !== window || !d || typeof d !== 'object' || typeof d.nonce !== 'string') return;
    if (d.confidant === 'hello') { if (nonce === null) { nonce = d.nonce; on = d.on === true; } return; }
    if (d.confidant === 'state') { if (d.nonce === nonce) on = d.on === true; return; }
    if (d.confidant !== 'response' || d.nonce !== nonce || !answers.has(d.id)) return;
    answers.get(d.id)(typeof d.body === 'string' ? d.body : null);
  });

  const absolute = (u) => { try { return new URL(u, location.href).href; } catch { return null; } };
  const wanted = (method, url, body) => nonce !== null && on && method === 'POST' && url && typeof body === 'string' && body.length <= MAX_BODY;

  // ask resolves to the rewritten body or null.
  function ask(url, body) {
    const id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    return new Promise((resolve) => {
      const done = (v) => { answers.delete(id); clearTimeout(timer); resolve(v); };
      const timer = setTimeout(() => done(null), ANSWER_MS);
      answers.set(id, done);
      window.postMessage({ confidant: 'request', nonce, id, url, body }, '*');
    });
  }

  const nativeFetch = window.fetch;
  const NativeRequest = window.Request;
  window.fetch = function fetch(input, init) {
    try {
      if (input instanceof NativeRequest) {
        const method = String(init?.method ?? input.method).toUpperCase();
        if (!wanted(method, input.url, '')) return nativeFetch.call(this, input, init);
        return (async () => {
          let body;
          try { body = init && 'body' in init ? init.body : await input.clone().text(); } catch { body = null; }
          const next = wanted(method, input.url, body) ? await ask(input.url, body) : null;
          if (next === null) return nativeFetch.call(this, input, init);
          return nativeFetch.call(this, new NativeRequest(input, { ...init, body: next }));
        })();
      }
      const method = String(init?.method ?? 'GET').toUpperCase();
      const url = absolute(input instanceof URL ? input.href : String(input));
      if (!wanted(method, url, init?.body)) return nativeFetch.call(this, input, init);
      return ask(url, init.body).then((next) => nativeFetch.call(this, input, next === null ? init : { ...init, body: next }));
    } catch {
      return nativeFetch.call(this, input, init);
    }
  };

  const XHR = window.XMLHttpRequest.prototype;
  const nativeOpen = XHR.open, nativeSend = XHR.send, nativeAbort = XHR.abort;
  const opened = new WeakMap();
  XHR.open = function open(method, url, ...rest) {
    // A synchronous XHR (async === false) cannot be delayed: it is never touched.
    const sync = rest.length > 0 && !rest[0];
    opened.set(this, { method: String(method).toUpperCase(), url: absolute(String(url)), sync });
    return nativeOpen.call(this, method, url, ...rest);
  };
  XHR.abort = function abort() {
    const o = opened.get(this);
    if (o) o.aborted = true;
    return nativeAbort.call(this);
  };
  XHR.send = function send(body) {
    const o = opened.get(this);
    if (!o || o.sync || !wanted(o.method, o.url, body)) return nativeSend.call(this, body);
    ask(o.url, body).then((next) => {
      if (o.aborted || opened.get(this) !== o) return;   // aborted or reopened meanwhile
      try { nativeSend.call(this, next === null ? body : next); } catch {}
    });
    return undefined;
  };
})();
