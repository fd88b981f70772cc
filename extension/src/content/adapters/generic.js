// generic.js — the generic adapter: any page the user turns on that has no
// adapter of its own (background/sites.js registers the content scripts for
// that host, under the host permission the user grants). The composer is the
// textarea or contenteditable the user last typed in; the send button is a
// submit button (type=submit) or a button labelled "Send" in the composer's
// form (other buttons there — Attach, Clear, … — are not); the request is any
// JSON POST whose top-level prompt field equals the submitted text.
(() => {
  const kit = globalThis.__confidant.kit;
  const COMPOSER = 'textarea, [contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"]';
  const BUTTON = 'button, [role="button"], input[type="submit" i]';
  const SUBMIT = 'button[type="submit" i], input[type="submit" i]';
  const SEND_LABEL = /^\s*send\b/i;                    // aria-label, title or text: "Send", "Send message"
  const MESSAGE = '[data-chat-role]';                   // pages that mark their turns; others capture user turns only
  const ROLE_ATTR = 'data-chat-role';
  const PROMPT_FIELDS = ['prompt', 'message', 'query', 'text', 'input', 'content'];
  const ROLES = ['user', 'assistant'];

  const last = new WeakMap();                           // doc → the composer last typed in
  const isComposer = (el) => !!el && el.nodeType === 1 && el.matches(COMPOSER);
  const composer = (doc) => {
    const el = last.get(doc);
    if (el && el.isConnected) return el;
    return doc.activeElement && isComposer(doc.activeElement) ? doc.activeElement : doc.querySelector(COMPOSER);
  };
  const textOf = (el) => (!el ? '' : (el.tagName === 'TEXTAREA' ? el.value : (el.innerText ?? el.textContent ?? ''))).replace(/\u00a0/g, ' ').trim();

  // isSend: a submit button, or a button whose label starts with "Send".
  const isSend = (b) => b.matches(SUBMIT)
    || [b.getAttribute('aria-label'), b.getAttribute('title'), b.textContent].some((l) => typeof l === 'string' && SEND_LABEL.test(l));

  function parse(body) {
    if (typeof body !== 'string') return null;
    let data;
    try { data = JSON.parse(body); } catch { return null; }
    if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
    const field = PROMPT_FIELDS.find((f) => typeof data[f] === 'string' && data[f]);
    return field ? { data, field } : null;
  }

  const adapter = {
    id: 'generic',
    composer,                                           // the composer element or null (the chip is placed next to it)
    matches(url) {
      try { return ['http:', 'https:'].includes(new URL(url).protocol); } catch { return false; }
    },
    composerText: (doc) => textOf(composer(doc)),
    // Listeners on window, capture phase, from document_start: first of all (see kit.onTrustedSubmit).
    onSubmit(doc, cb) {
      const fire = () => { const t = textOf(composer(doc)); if (t) cb(t); };
      return kit.listen(doc.defaultView, {
        input: (e) => { const el = e.target?.closest?.(COMPOSER); if (e.isTrusted && el) last.set(doc, el); },
        click: (e) => {
          if (!e.isTrusted) return;
          const c = composer(doc);
          if (!c) return;
          const button = e.target?.closest?.(BUTTON);
          if (!button || button.contains(c) || !isSend(button)) return;
          const scope = c.closest('form') ?? c.parentElement;
          if (scope && scope.contains(button)) fire();
        },
        keydown: (e) => {
          if (!e.isTrusted || e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
          const el = e.target?.closest?.(COMPOSER);
          if (el) { last.set(doc, el); fire(); }
        },
      });
    },
    messages(doc) {
      return Array.from(doc.querySelectorAll(MESSAGE))
        .map((el) => ({ role: el.getAttribute(ROLE_ATTR), text: textOf(el) }))
        .filter((m) => ROLES.includes(m.role));
    },
    requestPrompt(url, body) {
      const p = parse(body);
      return p ? p.data[p.field] : null;
    },
    rewriteRequest(url, body, block) {
      const p = parse(body);
      if (!p || typeof block !== 'string' || !block) return null;
      p.data[p.field] = block + '\n\n' + p.data[p.field];
      return JSON.stringify(p.data);
    },
    insertIntoComposer: (doc, text) => kit.insertAtStart(doc, composer(doc), text),
    selfTest(doc) {
      const problems = [];
      if (!doc.querySelector(COMPOSER)) problems.push('no textarea or contenteditable composer');
      return { ok: problems.length === 0, problems };
    },
  };
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).generic = adapter;
})();
