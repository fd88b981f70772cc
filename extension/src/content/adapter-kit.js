// adapter-kit.js — behaviour most site adapters share, so each adapter file
// holds only its site's selectors, endpoints and request shape, plus the
// constants and the on/off state the content scripts share. Loaded first
// (manifest order); exposed as globalThis.__confidant.kit.
(() => {
  /**
   * MAX_CHARS bounds a text the content scripts send (a captured turn, a
   * previewed composer text): under the router's 64 KiB in any encoding.
   */
  const MAX_CHARS = 20000;
  /**
   * SUBMIT_TTL_MS: how long a submitted prompt's block waits for the outgoing
   * request that carries it (inject.js). The worker keeps a submit for as long
   * (background/submits.js, SUBMIT_TTL_MS: content scripts cannot import it;
   * a test checks the two are equal).
   */
  const SUBMIT_TTL_MS = 10_000;

  /** Visible text of an element, non-breaking spaces folded, trimmed. */
  const textOf = (el) => (el ? (el.innerText ?? el.textContent ?? '') : '').replace(/\u00a0/g, ' ').trim();

  // The site's state (the user's switches): off until the worker says it is
  // on (content.js asks at start, and again whenever the worker broadcasts a
  // change). While off every content script is inert.
  let on = false;
  const watchers = new Set();
  const state = Object.freeze({
    isOn: () => on,
    /** set records the worker's answer and tells every watcher (also when unchanged: a cached preview is dropped). */
    set(value) { on = value === true; for (const fn of watchers) { try { fn(on); } catch {} } },
    watch(fn) { watchers.add(fn); },
  });

  /**
   * sendButton returns the element matching selector that a click on target
   * hit, when it is a button (BUTTON or role=button) that does not hold the
   * composer; else null. (A page can put a send button's id or class on any
   * element, e.g. a wrapper around the whole page: then every click in it
   * would count as a submit.)
   */
  function sendButton(target, selector, composerEl) {
    const b = target?.closest?.(selector);
    if (!b || !(b.tagName === 'BUTTON' || b.getAttribute('role') === 'button')) return null;
    if (composerEl && b.contains(composerEl)) return null;
    return b;
  }

  /** listen adds capture-phase listeners on win ({type: fn}); → unsubscribe. */
  function listen(win, handlers) {
    for (const [type, fn] of Object.entries(handlers)) win.addEventListener(type, fn, true);
    return () => { for (const [type, fn] of Object.entries(handlers)) win.removeEventListener(type, fn, true); };
  }

  /**
   * onTrustedSubmit calls cb(text) when the user — a trusted event, never a
   * page script — clicks a send button (sendButton: matching sendSelector)
   * or presses Enter (without Shift, outside an IME composition) inside the
   * composer. composer(doc) returns the composer element or null. Returns an
   * unsubscribe function.
   *
   * The listeners are on window, in the capture phase, added at
   * document_start: content scripts run before any page script, so they run
   * first of all the event's listeners and read the composer before a page's
   * listener could swap its text.
   */
  function onTrustedSubmit(doc, composer, sendSelector, cb) {
    const fire = () => { const t = textOf(composer(doc)); if (t) cb(t); };
    return listen(doc.defaultView, {
      click: (e) => { if (e.isTrusted && sendButton(e.target, sendSelector, composer(doc))) fire(); },
      keydown: (e) => {
        if (!e.isTrusted || e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
        const c = composer(doc);
        if (c && c.contains(e.target)) fire();
      },
    });
  }

  /**
   * insertAtStart puts text (and a blank line) at the start of a composer
   * through the editor's own input path (execCommand insertText, which
   * ProseMirror, Lexical, Quill and textareas all handle), never innerHTML.
   */
  function insertAtStart(doc, el, text) {
    if (!el) return false;
    el.focus();
    if (el.tagName === 'TEXTAREA') el.setSelectionRange(0, 0);
    else {
      const range = doc.createRange();
      range.selectNodeContents(el);
      range.collapse(true);
      const sel = doc.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    return doc.execCommand('insertText', false, text + '\n\n');
  }

  /**
   * jsonRequest returns the JSON object a site's prompt request carries, or
   * null when the request is not of the known shape: url (resolved against
   * base) on one of hosts with a pathname equal to path (a string) or
   * matching it (a RegExp), and a body that is a JSON object whose field is
   * a non-empty string and that passes check(data) when given.
   */
  function jsonRequest(url, body, { base, hosts, path, field, check }) {
    let u;
    try { u = new URL(url, base); } catch { return null; }
    if (!hosts.includes(u.hostname) || typeof body !== 'string') return null;
    if (typeof path === 'string' ? u.pathname !== path : !path.test(u.pathname)) return null;
    let data;
    try { data = JSON.parse(body); } catch { return null; }
    if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
    if (typeof data[field] !== 'string' || !data[field]) return null;
    return !check || check(data) ? data : null;
  }

  (globalThis.__confidant ??= {}).kit = Object.freeze({ MAX_CHARS, SUBMIT_TTL_MS, state, textOf, sendButton, listen, onTrustedSubmit, insertAtStart, jsonRequest });
})();
