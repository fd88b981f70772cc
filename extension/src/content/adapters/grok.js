// grok.js — the Grok adapter (grok.com). See shared/design/sites.md; every
// selector and endpoint is a constant here.
(() => {
  const kit = globalThis.__confidant.kit;
  const HOSTS = ['grok.com'];
  // tiptap; a hidden textarea also exists and is not the composer.
  const COMPOSER = 'div[contenteditable="true"].ProseMirror[role="textbox"]';
  const SEND_BUTTON = 'button[data-testid="chat-submit"]';              // only once text is typed
  // Message markup is not in sites.md (unverified): each turn is a
  // div[id^="response-"] holding a .message-bubble; the user's turns are
  // right-aligned (items-end), the assistant's left-aligned. User turns are
  // captured from the submit; assistant replies depend on these.
  const TURN = 'div[id^="response-"]';
  const BUBBLE = '.message-bubble';
  const USER_TURN = '.items-end';
  // A new conversation, or a message in an existing one.
  const CONVERSATION_PATH = /^\/rest\/app-chat\/conversations\/(?:new|[^/]+\/responses)$/;

  const composer = (doc) => {
    const el = doc.querySelector(COMPOSER);
    return el && el.isContentEditable ? el : null;
  };
  const { textOf } = kit;

  // parse returns the request's JSON object when body is of the known shape ({message, ...}), else null.
  const parse = (url, body) => kit.jsonRequest(url, body, { base: 'https://grok.com/', hosts: HOSTS, path: CONVERSATION_PATH, field: 'message' });

  const adapter = {
    id: 'grok',
    composer,                                           // the composer element or null (the chip is placed next to it)
    matches(url) {
      try { return HOSTS.includes(new URL(url).hostname); } catch { return false; }
    },
    composerText: (doc) => textOf(composer(doc)),
    onSubmit: (doc, cb) => kit.onTrustedSubmit(doc, composer, SEND_BUTTON, cb),
    messages(doc) {
      return Array.from(doc.querySelectorAll(`${TURN} ${BUBBLE}`))
        .filter((el) => !el.parentElement?.closest(BUBBLE))            // outermost only
        .map((el) => {
          const turn = el.closest(TURN);
          return { role: turn.matches(USER_TURN) || turn.querySelector(USER_TURN)?.contains(el) ? 'user' : 'assistant', text: textOf(el) };
        });
    },
    requestPrompt(url, body) {
      const data = parse(url, body);
      return data ? data.message : null;
    },
    rewriteRequest(url, body, block) {
      const data = parse(url, body);
      if (!data || typeof block !== 'string' || !block) return null;
      data.message = block + '\n\n' + data.message;
      return JSON.stringify(data);
    },
    insertIntoComposer: (doc, text) => kit.insertAtStart(doc, composer(doc), text),
    selfTest(doc) {
      const problems = [];
      const el = doc.querySelector(COMPOSER);
      if (!el) problems.push(`composer ${COMPOSER} not found`);
      else if (!el.isContentEditable) problems.push(`composer ${COMPOSER} is not contenteditable`);
      // The send button appears only once text is typed: a missing one is not a problem.
      const send = doc.querySelector(SEND_BUTTON);
      if (send && send.tagName !== 'BUTTON') problems.push(`${SEND_BUTTON} is not a button`);
      return { ok: problems.length === 0, problems };
    },
  };
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).grok = adapter;
})();
