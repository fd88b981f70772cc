// index.js — the registry: the one list of site adapters, plus the marker
// stripping every capture path uses. Classic script (content scripts cannot be
// modules): the adapter files run before it (see manifest.json) and leave their
// definitions in globalThis.__confidant.adapterDefs.
//
// Adapter interface (every field required):
//   id                                  string, also the fixture dir name (testdata/sites/<id>/ at the repository root)
//   matches(url)                        → boolean
//   composer(doc)                       → the composer element, or null
//   composerText(doc)                   → string (the composer's current text)
//   onSubmit(doc, cb)                   calls cb(text) on a trusted (event.isTrusted) click on send / Enter; → unsubscribe
//   messages(doc)                       → [{role: 'user'|'assistant', text}]
//   requestPrompt(url, body)            → the prompt string, or null when the request is not a prompt of this site's shape
//   rewriteRequest(url, body, block)    → new body with block prepended to the prompt, or null when the shape does not match
//   insertIntoComposer(doc, text)       inserts text through the editor's own input path (never innerHTML)
//   selfTest(doc)                       → {ok, problems: [string]}
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.registry) return;                          // injected twice: keep the first
  const defs = ns.adapterDefs ?? {};
  // Order matters: the first adapter whose matches(url) is true is used;
  // generic matches any page it is injected into, so it is last.
  const REGISTERED = ['chatgpt', 'claude', 'perplexity', 'deepseek', 'grok', 'gemini', 'generic'];
  const MARKER_BEGIN = '[confidant:memory]';
  const MARKER_END = '[/confidant:memory]';

  /** strip removes every Confidant block (an unterminated one up to the end) and stray end markers. */
  function strip(text) {
    let out = '', rest = String(text ?? '');
    for (;;) {
      const b = rest.indexOf(MARKER_BEGIN);
      if (b < 0) { out += rest; break; }
      out += rest.slice(0, b);
      const e = rest.indexOf(MARKER_END, b + MARKER_BEGIN.length);
      if (e < 0) break;
      rest = rest.slice(e + MARKER_END.length);
    }
    return out.split(MARKER_END).join('').trim();
  }

  const adapters = REGISTERED.map((id) => defs[id]).filter(Boolean);
  ns.registry = Object.freeze({
    ids: REGISTERED,
    adapters,
    MARKER_BEGIN, MARKER_END, strip,
    forUrl(url) { return adapters.find((a) => { try { return a.matches(url); } catch { return false; } }) ?? null; },
  });
})();
