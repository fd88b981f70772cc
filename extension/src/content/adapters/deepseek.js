// deepseek.js — the DeepSeek adapter (chat.deepseek.com). See
// shared/design/sites.md; every selector and endpoint is a constant here.
(() => {
  const kit = globalThis.__confidant.kit;
  const HOSTS = ['chat.deepseek.com'];
  // The composer is a plain textarea. Its placeholder ("Message DeepSeek") is
  // localized, so it is never a hook: the #chat-input id (older builds) first,
  // else a textarea with a placeholder (current builds have no id).
  const COMPOSER_ID = 'textarea#chat-input';
  const COMPOSER_FALLBACK = 'textarea[placeholder]';
  // The send button is a div[role="button"] with hashed classes and no
  // structural hook (not in sites.md): taken as the last [role="button"] in
  // the smallest ancestor of the composer that holds buttons. Unverified.
  const BUTTON = '[role="button"], button';
  // Message markup is not in sites.md (unverified): replies render in
  // .ds-markdown (the reasoning trace, when shown, in .ds-think-content).
  // User turns are captured from the submit, not from the page.
  const ASSISTANT_MESSAGE = '.ds-markdown';
  const THINKING = '.ds-think-content';
  const COMPLETION_PATH = '/api/v0/chat/completion';

  const composer = (doc) => doc.querySelector(COMPOSER_ID) ?? doc.querySelector(COMPOSER_FALLBACK);
  const textOf = (el) => (!el ? '' : (el.tagName === 'TEXTAREA' ? el.value : (el.innerText ?? el.textContent ?? ''))).replace(/\u00a0/g, ' ').trim();
  const sendButton = (c) => {
    for (let scope = c?.parentElement; scope; scope = scope.parentElement) {
      const buttons = scope.querySelectorAll(BUTTON);
      if (buttons.length) return buttons[buttons.length - 1];
    }
    return null;
  };

  // parse returns the completion request's JSON object when body is of the known shape, else null.
  const parse = (url, body) => kit.jsonRequest(url, body, { base: 'https://chat.deepseek.com/', hosts: HOSTS, path: COMPLETION_PATH, field: 'prompt', check: (d) => d.chat_session_id === undefined || typeof d.chat_session_id === 'string' });

  const adapter = {
    id: 'deepseek',
    composer,                                           // the composer element or null (the chip is placed next to it)
    matches(url) {
      try { return HOSTS.includes(new URL(url).hostname); } catch { return false; }
    },
    composerText: (doc) => textOf(composer(doc)),
    // Listeners on window, capture phase, from document_start: first of all (see kit.onTrustedSubmit).
    onSubmit(doc, cb) {
      const fire = () => { const t = textOf(composer(doc)); if (t) cb(t); };
      return kit.listen(doc.defaultView, {
        click: (e) => {
          if (!e.isTrusted) return;
          const c = composer(doc);
          const b = kit.sendButton(e.target, BUTTON, c);
          if (b && b === sendButton(c)) fire();
        },
        keydown: (e) => {
          if (!e.isTrusted || e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
          const c = composer(doc);
          if (c && c === e.target) fire();
        },
      });
    },
    messages(doc) {
      return Array.from(doc.querySelectorAll(ASSISTANT_MESSAGE))
        .filter((el) => !el.parentElement?.closest(ASSISTANT_MESSAGE) && !el.closest(THINKING))
        .map((el) => ({ role: 'assistant', text: textOf(el) }));
    },
    requestPrompt(url, body) {
      const data = parse(url, body);
      return data ? data.prompt : null;
    },
    rewriteRequest(url, body, block) {
      const data = parse(url, body);
      if (!data || typeof block !== 'string' || !block) return null;
      data.prompt = block + '\n\n' + data.prompt;
      return JSON.stringify(data);
    },
    insertIntoComposer: (doc, text) => kit.insertAtStart(doc, composer(doc), text),
    selfTest(doc) {
      const problems = [];
      const el = composer(doc);
      if (!el) problems.push(`composer ${COMPOSER_ID} / ${COMPOSER_FALLBACK} not found`);
      else if (!sendButton(el)) problems.push('no send button next to the composer');
      return { ok: problems.length === 0, problems };
    },
  };
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).deepseek = adapter;
})();
