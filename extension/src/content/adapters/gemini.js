// gemini.js — the Gemini adapter (gemini.google.com). See
// shared/design/sites.md; every selector and endpoint is a constant here.
(() => {
  const kit = globalThis.__confidant.kit;
  const HOSTS = ['gemini.google.com'];
  const COMPOSER = 'rich-textarea .ql-editor[contenteditable="true"]';     // Quill
  const SEND_BUTTON = 'button.send-button';
  const USER_MESSAGE = 'user-query';
  const ASSISTANT_MESSAGE = 'model-response';
  const MESSAGE = `${USER_MESSAGE}, ${ASSISTANT_MESSAGE}`;
  // Sent with XMLHttpRequest (page.js forwards XHR bodies too), with a query
  // string (bl, _reqid, rt) that does not matter here.
  const GENERATE_PATH = '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate';
  const FORM_FIELD = 'f.req';

  const composer = (doc) => {
    const el = doc.querySelector(COMPOSER);
    return el && el.isContentEditable ? el : null;
  };
  const { textOf } = kit;
  const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));

  // parse returns {fields, index, outer, inner} when body is an urlencoded
  // form with exactly one f.req=[null,"<inner JSON>"] whose inner[0][0] is the
  // prompt, else null. fields are the body's raw &-separated fields, so that a
  // rewrite re-encodes f.req only and leaves every other field byte for byte.
  function parse(url, body) {
    let u;
    try { u = new URL(url, 'https://gemini.google.com/'); } catch { return null; }
    if (!HOSTS.includes(u.hostname) || u.pathname !== GENERATE_PATH || typeof body !== 'string') return null;
    const fields = body.split('&');
    const at = fields.map((f, i) => (f.startsWith(FORM_FIELD + '=') ? i : -1)).filter((i) => i >= 0);
    if (at.length !== 1) return null;
    try {
      const outer = JSON.parse(decode(fields[at[0]].slice(FORM_FIELD.length + 1)));
      if (!Array.isArray(outer) || outer.length < 2 || typeof outer[1] !== 'string') return null;
      const inner = JSON.parse(outer[1]);
      if (!Array.isArray(inner) || !Array.isArray(inner[0]) || typeof inner[0][0] !== 'string' || !inner[0][0]) return null;
      return { fields, index: at[0], outer, inner };
    } catch { return null; }
  }

  const adapter = {
    id: 'gemini',
    composer,                                           // the composer element or null (the chip is placed next to it)
    matches(url) {
      try { return HOSTS.includes(new URL(url).hostname); } catch { return false; }
    },
    composerText: (doc) => textOf(composer(doc)),
    onSubmit: (doc, cb) => kit.onTrustedSubmit(doc, composer, SEND_BUTTON, cb),
    messages(doc) {
      return Array.from(doc.querySelectorAll(MESSAGE))
        .filter((el) => !el.parentElement?.closest(MESSAGE))          // outermost only
        .map((el) => ({ role: el.matches(USER_MESSAGE) ? 'user' : 'assistant', text: textOf(el) }));
    },
    requestPrompt(url, body) {
      const p = parse(url, body);
      return p ? p.inner[0][0] : null;
    },
    rewriteRequest(url, body, block) {
      const p = parse(url, body);
      if (!p || typeof block !== 'string' || !block) return null;
      p.inner[0][0] = block + '\n\n' + p.inner[0][0];
      p.outer[1] = JSON.stringify(p.inner);
      const fields = [...p.fields];
      fields[p.index] = FORM_FIELD + '=' + encodeURIComponent(JSON.stringify(p.outer));
      return fields.join('&');
    },
    insertIntoComposer: (doc, text) => kit.insertAtStart(doc, composer(doc), text),
    selfTest(doc) {
      const problems = [];
      const el = doc.querySelector(COMPOSER);
      if (!el) problems.push(`composer ${COMPOSER} not found`);
      else if (!el.isContentEditable) problems.push(`composer ${COMPOSER} is not contenteditable`);
      const send = doc.querySelector(SEND_BUTTON);
      if (send && send.tagName !== 'BUTTON') problems.push(`${SEND_BUTTON} is not a button`);
      return { ok: problems.length === 0, problems };
    },
  };
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).gemini = adapter;
})();
