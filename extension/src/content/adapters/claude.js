// claude.js — the Claude adapter (claude.ai). See shared/design/sites.md;
// every selector and endpoint is a constant here.
(() => {
  const kit = globalThis.__confidant.kit;
  const HOSTS = ['claude.ai'];
  const COMPOSER = 'div[contenteditable="true"].ProseMirror[data-testid="chat-input"]';   // tiptap
  // The send button has no structural hook (no id / data-testid): its
  // aria-label is localized, so the click path works on English pages only;
  // Enter in the composer (locale-independent) and the request rewrite do not
  // depend on it.
  const SEND_BUTTON = 'button[aria-label="Send message"]';
  const USER_MESSAGE = '[data-testid="user-message"]';                 // its class is "!font-user-message": not a hook
  const ASSISTANT_MESSAGE = '[data-is-streaming] .font-claude-response';
  const MESSAGE = `${USER_MESSAGE}, ${ASSISTANT_MESSAGE}`;
  const COMPLETION_PATH = /^\/api\/organizations\/[^/]+\/chat_conversations\/[^/]+\/completion$/;   // not retry_completion

  const composer = (doc) => {
    const el = doc.querySelector(COMPOSER);
    return el && el.isContentEditable ? el : null;
  };
  const { textOf } = kit;

  // parse returns the completion request's JSON object when body is of the known shape, else null.
  const parse = (url, body) => kit.jsonRequest(url, body, { base: 'https://claude.ai/', hosts: HOSTS, path: COMPLETION_PATH, field: 'prompt' });

  const adapter = {
    id: 'claude',
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
      if (!doc.querySelector(COMPOSER)) problems.push(`composer ${COMPOSER} not found`);
      // The send button's label is localized: a missing one is not a problem, a non-button is.
      const send = doc.querySelector(SEND_BUTTON);
      if (send && send.tagName !== 'BUTTON') problems.push(`${SEND_BUTTON} is not a button`);
      for (const m of doc.querySelectorAll('.font-claude-response')) {
        if (!m.closest('[data-is-streaming]')) { problems.push('an assistant message outside [data-is-streaming]'); break; }
      }
      return { ok: problems.length === 0, problems };
    },
  };
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).claude = adapter;
})();
