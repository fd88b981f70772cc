// chatgpt.js — the ChatGPT adapter (chatgpt.com, chat.openai.com). See
// shared/design/sites.md; every selector and endpoint is a constant here.
(() => {
  const kit = globalThis.__confidant.kit;
  const HOSTS = ['chatgpt.com', 'chat.openai.com'];
  const COMPOSER = '#prompt-textarea';                  // ProseMirror div[contenteditable]
  const SEND_BUTTON = '#composer-submit-button';        // only present once text is typed
  const MESSAGE = '[data-message-author-role]';
  const ROLE_ATTR = 'data-message-author-role';
  const CONVERSATION_PATH = /^\/backend-api\/(?:f\/)?conversation$/;   // not .../prepare
  const ROLES = ['user', 'assistant'];

  const composer = (doc) => {
    const el = doc.querySelector(COMPOSER);
    return el && el.isContentEditable ? el : null;
  };
  const { textOf } = kit;

  // parse returns {data, msg} when body is a conversation request of the known shape, else null.
  function parse(url, body) {
    let u;
    try { u = new URL(url, 'https://chatgpt.com/'); } catch { return null; }
    if (!HOSTS.includes(u.hostname)) return null;
    if (!CONVERSATION_PATH.test(u.pathname) || typeof body !== 'string') return null;
    let data;
    try { data = JSON.parse(body); } catch { return null; }
    if (!data || typeof data !== 'object' || Array.isArray(data) || typeof data.action !== 'string') return null;
    if (!Array.isArray(data.messages) || data.messages.length === 0) return null;
    const msg = data.messages[data.messages.length - 1];
    if (msg?.author?.role !== 'user' || !msg.content || typeof msg.content !== 'object') return null;
    const parts = msg.content.parts;
    if (!Array.isArray(parts) || parts.length === 0 || typeof parts[0] !== 'string') return null;
    if (msg.content.content_type !== undefined && msg.content.content_type !== 'text') return null;
    return { data, msg };
  }

  const adapter = {
    id: 'chatgpt',
    composer,                                           // the composer element or null (the chip is placed next to it)
    matches(url) {
      try { return HOSTS.includes(new URL(url).hostname); } catch { return false; }
    },
    composerText: (doc) => textOf(composer(doc)),
    onSubmit: (doc, cb) => kit.onTrustedSubmit(doc, composer, SEND_BUTTON, cb),
    messages(doc) {
      return Array.from(doc.querySelectorAll(MESSAGE))
        .map((el) => ({ role: el.getAttribute(ROLE_ATTR), text: textOf(el) }))
        .filter((m) => ROLES.includes(m.role));
    },
    requestPrompt(url, body) {
      const p = parse(url, body);
      return p && p.msg.content.parts.every((x) => typeof x === 'string') ? p.msg.content.parts.join('\n') : null;
    },
    rewriteRequest(url, body, block) {
      const p = parse(url, body);
      if (!p || typeof block !== 'string' || !block) return null;
      const parts = p.msg.content.parts;
      p.msg.content.parts = [block + '\n\n' + parts[0], ...parts.slice(1)];
      return JSON.stringify(p.data);
    },
    insertIntoComposer: (doc, text) => kit.insertAtStart(doc, composer(doc), text),
    selfTest(doc) {
      const problems = [];
      const el = doc.querySelector(COMPOSER);
      if (!el) problems.push(`composer ${COMPOSER} not found`);
      else if (!el.isContentEditable) problems.push(`composer ${COMPOSER} is not contenteditable`);
      const send = doc.querySelector(SEND_BUTTON);
      if (send && send.tagName !== 'BUTTON') problems.push(`${SEND_BUTTON} is not a button`);
      for (const m of doc.querySelectorAll(MESSAGE)) {
        if (!ROLES.includes(m.getAttribute(ROLE_ATTR)) && m.getAttribute(ROLE_ATTR) !== 'system' && m.getAttribute(ROLE_ATTR) !== 'tool') {
          problems.push(`unknown message role ${JSON.stringify(m.getAttribute(ROLE_ATTR))}`);
          break;
        }
      }
      return { ok: problems.length === 0, problems };
    },
  };
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).chatgpt = adapter;
})();
