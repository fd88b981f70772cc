// capture.js — isolated world: sends the user's submitted turns and the
// site's finished assistant replies to the service worker, Confidant blocks
// stripped. After a submit, replies are finished when the number of assistant
// messages has grown past the count at the submit and the last one's text has
// not changed for REPLY_SETTLE_MS; then every new one is captured. Nothing is
// sent while the site is off or paused (kit.state): a watch in progress stops.
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.capture) return;
  const REPLY_SETTLE_MS = 1000;
  const POLL_MS = 250;
  const REPLY_TIMEOUT_MS = 120_000;                      // a submit the site never answered stops the watch
  const { MAX_CHARS, state } = ns.kit;

  const uid = () => Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);

  async function send(message) {
    try { return await chrome.runtime.sendMessage(message); } catch (e) { return { error: { code: 'unavailable', message: String(e) } }; }
  }

  function start(adapter, { strip, session }) {
    const turn = (role, raw) => {
      if (!state.isOn()) return Promise.resolve(null);
      const text = strip(raw).slice(0, MAX_CHARS);
      if (!text) return Promise.resolve(null);
      return send({ kind: 'capture', session, turn: { id: (role === 'user' ? 'u-' : 'a-') + uid(), role, text, time: new Date().toISOString() } });
    };
    const assistants = () => { try { return adapter.messages(document).filter((m) => m.role === 'assistant'); } catch { return []; } };
    // Replies are watched only after a submit in this page: a conversation's
    // history rendered by the site (at load, or on switching chats) is never
    // taken for new replies.
    let waiting = 0, seen = 0, lastText = null, changedAt = 0, timer = null, armedAt = 0;
    const stop = () => { waiting = 0; clearInterval(timer); timer = null; };
    const poll = () => {
      const list = assistants();
      if (list.length < seen) seen = list.length;
      if (list.length === seen) { if (Date.now() - armedAt > REPLY_TIMEOUT_MS) stop(); return; }
      const text = list[list.length - 1].text;
      const now = Date.now();
      if (text !== lastText) { lastText = text; changedAt = now; return; }
      if (!text || now - changedAt < REPLY_SETTLE_MS) return;
      // Every new reply: those before the last are complete (a later one exists).
      const fresh = list.slice(seen);
      for (const m of fresh) turn('assistant', m.text);
      seen = list.length;
      lastText = null;
      waiting = Math.max(0, waiting - fresh.length);
      if (!waiting) stop();
    };
    state.watch((on) => { if (!on) stop(); });
    const submitted = () => {
      if (!state.isOn()) return;
      if (!waiting) { seen = assistants().length; lastText = null; }
      waiting++;
      armedAt = Date.now();
      timer ??= setInterval(poll, POLL_MS);
    };
    return { user: (text) => turn('user', text), submitted, send };
  }

  ns.capture = { start, send };
})();
