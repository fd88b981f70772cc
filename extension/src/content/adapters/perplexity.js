// perplexity.js — the Perplexity adapter (www.perplexity.ai). See
// shared/design/sites.md; every selector and endpoint is a constant here.
(() => {
  const kit = globalThis.__confidant.kit;
  const HOSTS = ['www.perplexity.ai'];
  const COMPOSER = 'div#ask-input[contenteditable][data-lexical-editor]';   // Lexical
  // Structural hook first; the aria-label is localized (English pages only).
  // The data-testid is not in sites.md: verify against a live page.
  const SEND_BUTTON = 'button[data-testid="submit-button"], button[aria-label="Submit"]';
  // Message markup is not in sites.md (unverified): the query heading and the
  // answer's markdown container. Capture of user turns does not depend on
  // these (they come from the submit); assistant replies do.
  const USER_MESSAGE = 'h1[class~="group/query"]';
  const ASSISTANT_MESSAGE = 'div[id^="markdown-content-"]';
  const MESSAGE = `${USER_MESSAGE}, ${ASSISTANT_MESSAGE}`;
  const ASK_PATH = '/rest/sse/perplexity_ask';

  const composer = (doc) => {
    const el = doc.querySelector(COMPOSER);
    return el && el.isContentEditable ? el : null;
  };
  const { textOf } = kit;

  // parse returns the ask request's JSON object when body is of the known shape
  // ({query_str, params: {...}}, params.dsl_query a string when present), else null.
  const parse = (url, body) => kit.jsonRequest(url, body, { base: 'https://www.perplexity.ai/', hosts: HOSTS, path: ASK_PATH, field: 'query_str', check: (d) => d.params && typeof d.params === 'object' && !Array.isArray(d.params) && (d.params.dsl_query === undefined || typeof d.params.dsl_query === 'string') });

  const adapter = {
    id: 'perplexity',
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
      return data ? data.query_str : null;
    },
    rewriteRequest(url, body, block) {
      const data = parse(url, body);
      if (!data || typeof block !== 'string' || !block) return null;
      // dsl_query carries the same text: keep the two in step.
      if (data.params.dsl_query === data.query_str) data.params.dsl_query = block + '\n\n' + data.params.dsl_query;
      data.query_str = block + '\n\n' + data.query_str;
      return JSON.stringify(data);
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
  ((globalThis.__confidant ??= {}).adapterDefs ??= {}).perplexity = adapter;
})();
