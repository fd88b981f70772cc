// capture.js — isolated world: sends the user's submitted turns and the
// site's finished assistant replies to the service worker, Confidant blocks
// stripped. Replies are finished when the number of assistant messages has
// grown and the last one's text has not changed for REPLY_SETTLE_MS; then every
// new one is captured.
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.capture) return;
  const REPLY_SETTLE_MS = 1000;
  const POLL_MS = 250;
  const MAX_CHARS = 20000;                               // under the router's 64 KiB in any encoding

  const uid = () => Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);

  async function send(message) {
    try { return await chrome.runtime.sendMessage(message); } catch (e) { return { error: { code: 'unavailable', message: String(e) } }; }
  }

  function start(adapter, { strip, session }) {
    const turn = (role, raw) => {
      const text = strip(raw).slice(0, MAX_CHARS);
      if (!text) return Promise.resolve(null);
      return send({ kind: 'capture', session, turn: { id: (role === 'user' ? 'u-' : 'a-') + uid(), role, text, time: new Date().toISOString() } });
    };
    const assistants = () => { try { return adapter.messages(document).filter((m) => m.role === 'assistant'); } catch { return []; } };
    let seen = -1, lastText = null, changedAt = 0;
    setInterval(() => {
      const list = assistants();
      if (seen < 0) { if (document.readyState !== 'loading') seen = list.length; return; }   // history already on the page is not captured
      if (list.length <= seen) { if (list.length < seen) seen = list.length; return; }
      const text = list[list.length - 1].text;
      const now = Date.now();
      if (text !== lastText) { lastText = text; changedAt = now; return; }
      if (text && now - changedAt >= REPLY_SETTLE_MS) {
        // Every new reply: those before the last are complete (a later one exists).
        for (const m of list.slice(seen)) turn('assistant', m.text);
        seen = list.length;
        lastText = null;
      }
    }, POLL_MS);
    return { user: (text) => turn('user', text), send };
  }

  ns.capture = { start, send };
})();
