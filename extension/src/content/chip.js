// chip.js — isolated world: the "N memories" chip near the composer and its
// preview, where the user removes items or skips memories for the next
// message (the veto; it applies to the next submit only, then resets).
//
// Only the user can drive it. Previews are asked for (kind "preview") only
// DEBOUNCE_MS after trusted keydown / paste / cut / drop / compositionend
// events in the composer — never after input events, which execCommand from a
// page script fires as trusted — so a page that sets the composer's text
// itself gets no preview. Every handler ignores untrusted events; they listen
// on window in the capture phase from document_start (first of all).
//
// Nothing the page can observe depends on a preview's result. The text
// previewed is read from the composer when the debounce ends, and a page can
// change the composer's text in between (the text is not in the composer yet
// when a keydown fires, so it cannot be read then): a page could steer a
// preview to a text of its choosing. It learns nothing from that: the host is
// shown once the user has typed (or submitted) in the composer on a site that
// is on, whatever the count; it has a fixed size (0×0, position fixed at 0,0;
// its attributes and inline style do not change with the count); the chip in
// it has a fixed size at a place that depends only on the composer; the
// notice and the chip's surroundings take no pointer events (so
// elementFromPoint cannot measure them); the preview (of a fixed size too)
// opens only on the user's click or shortcut. The count and the memories are
// drawn inside a closed shadow root.
//
// The chip lives in a closed shadow root under a host appended to <html> (not
// <body>); every memory is text in an attribute drawn by CSS generated content
// (never markup; see drawn), and the list exists only while the preview is
// open. Memory text in the preview is therefore not selectable or copyable:
// that is deliberate (see drawn).
//
// Keyboard: Alt+Shift+M in the composer opens the preview (announced in the
// chip's label and aria-keyshortcuts); the preview is a modal dialog: Tab and
// Shift+Tab cycle inside it, Escape closes it and puts the focus back in the
// composer. The notice region (role=status) exists, empty, from the moment
// the chip is shown, so that screen readers announce what is put in it.
//
// While the site is off or paused (kit.state) the chip is hidden, asks for no
// previews and forgets its preview; a previewed block is also dropped after
// BLOCK_TTL_MS.
//
// start(adapter, {strip, send}) → {take(text), told(outcome)}:
//   take(text)   at the trusted submit: {skip, exclude: [key], block} — block
//                is the previewed block for exactly text with exactly these
//                exclusions ('' otherwise; for the composer fallback), then
//                the veto resets
//   told(outcome) what became of the message (see inject.js), shown to the user
(() => {
  const ns = (globalThis.__confidant ??= {});
  if (ns.chip) return;
  const DEBOUNCE_MS = 250;
  const WAKE_MS = 10_000;                                // typing wakes the worker at most this often
  const NOTICE_MS = 15_000;
  const BLOCK_TTL_MS = 30_000;                           // a previewed block older than this is not inserted
  const { MAX_CHARS, state, listen } = ns.kit;
  const SHORTCUT = 'Alt+Shift+M';
  const isShortcut = (e) => e.code === 'KeyM' && e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey;
  const MAX_REMOVED = 32;                                // the router's bound on exclude
  const NOTICES = {
    composer: 'Memories were sent by inserting them into the message box (the site\u2019s request format changed).',
    lost: 'This message went without memories: the site\u2019s request format changed. The next messages get them through the message box.',
    unsent: 'This message went without memories: the site\u2019s request format changed and no preview was ready.',
    late: 'This message went without memories: they were not ready in time.',
  };
  const CSS = `
    :host { all: initial; }
    .wrap { position: fixed; pointer-events: none; display: flex; flex-direction: column; align-items: flex-end; gap: 4px;
      font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color-scheme: light dark;
      --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d0d7de; --accent: #0969da; --chip: #f6f8fa; }
    @media (prefers-color-scheme: dark) {
      .wrap { --bg: #1f2328; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --accent: #4493f8; --chip: #262c36; }
    }
    [hidden] { display: none !important; }
    button { font: inherit; color: var(--fg); cursor: pointer; background: var(--chip); border: 1px solid var(--line); border-radius: 6px; padding: 2px 10px; }
    button:hover { border-color: var(--accent); }
    button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .chip { pointer-events: auto; box-sizing: border-box; width: 12em; height: 26px; overflow: hidden; text-overflow: ellipsis;
      white-space: nowrap; border-radius: 999px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
    .notice { pointer-events: none; max-width: 340px; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 8px; padding: 4px 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
    .notice:empty { padding: 0; border: 0; box-shadow: none; }
    .panel { pointer-events: auto; position: absolute; right: 0; bottom: calc(100% + 6px); width: min(420px, 90vw); height: min(50vh, 360px); overflow: auto;
      box-sizing: border-box; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 10px;
      box-shadow: 0 8px 24px rgba(0,0,0,.25); padding: 10px 12px; }
    .down .panel { bottom: auto; top: calc(100% + 6px); }
    h2 { font-size: 13px; font-weight: 600; margin: 0 0 6px; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; gap: 8px; align-items: flex-start; padding: 6px 0; border-top: 1px solid var(--line); }
    .item { flex: 1; overflow-wrap: anywhere; }
    .gen::before { content: attr(data-text); }
    .meta { display: block; color: var(--muted); font-size: 11px; }
    .empty { color: var(--muted); padding: 6px 0; border-top: 1px solid var(--line); }
    .actions { display: flex; gap: 8px; justify-content: flex-end; flex-wrap: wrap; padding-top: 8px; border-top: 1px solid var(--line); }
    .skip[aria-pressed="true"] { border-color: var(--accent); color: var(--accent); }
  `;

  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
  };

  // drawn renders text as CSS generated content (::before, attr()): drawn and
  // read by screen readers like text, but not in the DOM's text, so a page's
  // window.find() / find-in-page cannot search the open preview (it does
  // reach into closed shadow roots) nor select a memory to read it. The price:
  // the user cannot select or copy a memory's text here either (generated
  // content is not selectable). That is accepted: real text nodes would let
  // the page read the open preview through window.find() and the selection,
  // and the manager (an extension page) shows every memory as ordinary text.
  const drawn = (cls, text) => el('span', { class: ('gen ' + cls).trim(), 'data-text': text });

  function start(adapter, { strip, send }) {
    const composer = () => { try { return adapter.composer(document); } catch { return null; } };
    const inComposer = (e) => { const c = composer(); return !!c && c.contains(e.target); };

    // The veto, for the next submit only.
    const removed = new Set();                           // item keys
    let skip = false;
    let shown = null;                                    // {text, sig, items, block, at}: the latest preview
    let notice = '', noticeTimer = null, timer = null, seq = 0, opened = false;
    let active = false;                                  // the user typed or submitted here (the chip is shown)
    let busy = false;                                    // a preview is scheduled or on its way
    const sig = () => [...removed].sort().join(',');

    const host = el('div', { 'data-confidant': 'chip' });
    host.style.cssText = 'all: initial; position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: 2147483647; display: none;';
    const root = host.attachShadow({ mode: 'closed' });
    const chip = el('button', { class: 'chip', type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-keyshortcuts': SHORTCUT });
    const status = el('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
    const list = el('ul');
    const skipButton = el('button', { class: 'skip', type: 'button', 'aria-pressed': 'false', text: 'Skip memories for this message' });
    const closeButton = el('button', { type: 'button', text: 'Close' });
    const title = el('h2', { id: 'confidant-preview-title', text: 'Memories for this message' });
    const panel = el('div', { class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'confidant-preview-title', hidden: '' },
      title, list, el('div', { class: 'actions' }, skipButton, closeButton));
    const wrap = el('div', { class: 'wrap' }, status, chip, panel);
    root.append(el('style', { text: CSS }), wrap);

    // place puts the chip at the composer's top-right corner (under it when
    // the composer is at the top of the window), the preview above the chip
    // when there is room there, else under it, both inside the window. Where
    // depends on the composer and the window only.
    function place() {
      const c = composer();
      const r = c?.getBoundingClientRect();
      if (!r || (!r.width && !r.height)) return false;
      const below = r.top < 48;
      const panelWidth = Math.min(420, innerWidth * 0.9), panelHeight = Math.min(360, innerHeight * 0.5);
      const x = Math.min(innerWidth - 8, Math.max(r.right, panelWidth + 8));
      const y = below ? r.bottom + 6 : r.top - 6;
      wrap.classList.toggle('down', (below ? y : y - 30) < panelHeight + 12);
      wrap.style.left = `${Math.round(x)}px`;
      wrap.style.top = `${Math.round(y)}px`;
      wrap.style.transform = below ? 'translateX(-100%)' : 'translate(-100%, -100%)';
      return true;
    }

    function render() {
      const count = shown?.items.length ?? 0;
      const label = skip ? 'Memories off for this message'
        : `${count} ${count === 1 ? 'memory' : 'memories'}${removed.size ? ` \u00b7 ${removed.size} removed` : ''}`;
      chip.replaceChildren(drawn('', skip ? 'Memories off' : label));
      chip.setAttribute('aria-label', `${label}: open the preview (${SHORTCUT})`);
      chip.title = `Open the preview (${SHORTCUT})`;
      if (busy) chip.setAttribute('aria-busy', 'true'); else chip.removeAttribute('aria-busy');
      if (status.textContent !== notice) status.textContent = notice;
      if (opened) fill();
      // Shown or not: never a function of the preview's result (see the header).
      const visible = state.isOn() && active && place();
      if (!visible && opened) close(false);
      if (visible && !host.isConnected) document.documentElement.append(host);
      const display = visible ? 'block' : 'none';
      if (host.style.display !== display) host.style.display = display;
    }

    // fill builds the open panel's list; it exists only while the panel is open.
    function fill() {
      const items = shown?.items ?? [];
      const focused = list.contains(root.activeElement) ? root.activeElement.getAttribute('aria-label') : null;
      list.replaceChildren(...items.map((item) => {
        const remove = el('button', { type: 'button', text: 'Remove', 'aria-label': `Remove ${item.kind === 'profile' ? 'profile fact' : 'memory'}: ${item.text.slice(0, 80)}` });
        remove.addEventListener('click', (e) => { if (e.isTrusted) drop(item.key, remove); });
        const meta = [item.kind === 'profile' ? 'Profile' : 'Memory', item.date].filter(Boolean).join(' \u00b7 ');
        return el('li', {}, el('div', { class: 'item' }, drawn('meta', meta), drawn('', item.text)), remove);
      }));
      if (!items.length) list.append(el('li', { class: 'empty', text: skip ? 'Memories are off for this message.' : busy ? 'Looking for memories\u2026' : 'No memories for this message.' }));
      if (focused !== null) focusItem(focused);          // the list was rebuilt under the keyboard focus
      skipButton.setAttribute('aria-pressed', String(skip));
      skipButton.textContent = skip ? 'Use memories for this message' : 'Skip memories for this message';
    }

    // focusItem focuses the Remove button with this label, else the skip button.
    function focusItem(label) {
      ([...list.querySelectorAll('li button')].find((b) => b.getAttribute('aria-label') === label) ?? skipButton).focus();
    }

    function openPanel() {
      opened = true;
      panel.hidden = false;
      chip.setAttribute('aria-expanded', 'true');
      render();
      if (!opened) return;                               // nowhere to show it (no composer)
      (list.querySelector('button') ?? skipButton).focus();
    }
    function close(refocus) {
      opened = false;
      panel.hidden = true;
      list.replaceChildren();
      chip.setAttribute('aria-expanded', 'false');
      if (refocus) composer()?.focus();
    }

    function drop(key, button) {
      if (removed.size >= MAX_REMOVED) return;
      const buttons = [...list.querySelectorAll('li button')];
      const next = buttons[buttons.indexOf(button) + 1] ?? buttons[buttons.indexOf(button) - 1] ?? skipButton;
      removed.add(key);
      if (shown) shown = { ...shown, items: shown.items.filter((i) => i.key !== key) };
      render();
      focusItem(next.getAttribute('aria-label'));       // the neighbour (the list was rebuilt)
      refresh(true);                                     // what will go now (a replacement may come in)
    }

    async function refresh(force = false) {
      clearTimeout(timer);
      if (!state.isOn()) { seq++; busy = false; shown = null; render(); return; }
      let text = '';
      try { text = strip(adapter.composerText(document)); } catch {}
      if (!text || text.length > MAX_CHARS) { seq++; busy = false; shown = null; render(); return; }
      if (!force && shown && shown.text === text && shown.sig === sig()) { busy = false; render(); return; }
      const mine = ++seq, s = sig();
      busy = true;
      const reply = await send({ kind: 'preview', text, typed: true, ...(removed.size && { exclude: [...removed] }) });
      if (mine !== seq) return;                          // typed on, or submitted, or switched off meanwhile
      busy = false;
      if (reply?.error) {
        if (reply.error.code !== 'rate_limited') shown = null;   // off on this site, paused, or keys forgotten; else keep what is shown
      } else if (Array.isArray(reply?.items)) {
        const items = reply.items.filter((i) => i && typeof i.key === 'string' && typeof i.text === 'string')
          .map(({ key, kind, text: t, date }) => ({ key, kind: String(kind), text: t, date: typeof date === 'string' ? date : '' }));
        shown = { text, sig: s, items, block: typeof reply.text === 'string' ? reply.text : '', at: Date.now() };
      }
      render();
    }

    // reset forgets the preview and the veto (the site was switched off, or
    // the state changed: a block previewed before is not used after).
    function reset(on) {
      seq++;
      clearTimeout(timer);
      busy = false;
      shown = null;
      if (!on) {
        active = false;
        removed.clear();
        skip = false;
        notice = '';
        clearTimeout(noticeTimer);
        if (opened) close(false);
      }
      render();
    }
    state.watch(reset);

    // wake starts the worker as the user starts typing (or focuses the
    // composer: see the focusin listener below). MV3 stops an idle
    // service worker after ~30 s, and its cold start (the engine's module and
    // the stored memories) takes a few hundred ms with a large store; the
    // preview cannot be the wake-up, since it waits for a pause in typing. A
    // message costs a ready worker about a millisecond, so one every WAKE_MS
    // of typing at most; it carries nothing (the site's state, answered and
    // ignored: content.js asks for it itself).
    let woke = 0;
    const wake = () => {
      if (Date.now() - woke < WAKE_MS) return;
      woke = Date.now();
      send({ kind: 'state' }).catch(() => {});
    };

    const typed = (e) => {
      if (!e.isTrusted || !state.isOn() || !inComposer(e)) return;
      if (e.type === 'keydown' && isShortcut(e)) {
        // The keyboard way to the preview; the site does not see the keys.
        e.preventDefault();
        e.stopImmediatePropagation();
        active = true;
        if (!shown) refresh();
        if (!opened) openPanel();
        return;
      }
      if (e.type === 'keydown' && e.key === 'Enter' && !e.shiftKey && !e.isComposing) return;   // a submit, not typing
      wake();
      if (notice) { notice = ''; clearTimeout(noticeTimer); }
      active = true;
      busy = true;
      clearTimeout(timer);
      timer = setTimeout(() => refresh(), DEBOUNCE_MS);
      render();
    };
    listen(window, Object.fromEntries(['keydown', 'paste', 'cut', 'drop', 'compositionend'].map((type) => [type, typed])));
    // Focusing the composer wakes the worker too: a prompt that arrives
    // without keystrokes (dictation, autofill) usually follows a click there.
    listen(window, { focusin: (e) => { if (e.isTrusted && state.isOn() && inComposer(e)) wake(); } });

    chip.addEventListener('click', (e) => { if (e.isTrusted) { if (opened) close(true); else openPanel(); } });
    skipButton.addEventListener('click', (e) => {
      if (!e.isTrusted) return;
      skip = !skip;
      render();
      skipButton.focus();
    });
    closeButton.addEventListener('click', (e) => { if (e.isTrusted) { close(true); render(); } });
    root.addEventListener('keydown', (e) => {
      if (!e.isTrusted) return;
      if (e.key === 'Escape' && opened) { e.preventDefault(); close(true); render(); }
      else if (e.key === 'Tab' && opened && panel.contains(root.activeElement)) {
        // A modal dialog: the focus cycles inside it.
        const stops = [...panel.querySelectorAll('button')];
        const at = stops.indexOf(root.activeElement);
        e.preventDefault();
        stops[(at + (e.shiftKey ? -1 : 1) + stops.length) % stops.length].focus();
      }
      e.stopPropagation();                               // the site's shortcuts are not for the chip
    });
    let frame = 0;
    const follow = () => { if (host.style.display !== 'none' && !frame) frame = requestAnimationFrame(() => { frame = 0; place(); }); };
    addEventListener('resize', follow, { passive: true });
    addEventListener('scroll', follow, { passive: true, capture: true });

    return {
      take(text) {
        const fresh = shown && Date.now() - shown.at <= BLOCK_TTL_MS;
        const out = {
          skip,
          exclude: [...removed],
          block: !skip && fresh && shown.text === text && shown.sig === sig() ? shown.block : '',
        };
        removed.clear();
        skip = false;
        shown = null;
        seq++;
        busy = false;
        active = true;                                   // a submit shows the chip too (for the notice), whatever the outcome
        clearTimeout(timer);
        close(false);
        render();
        return out;
      },
      told(outcome) {
        clearTimeout(noticeTimer);
        notice = NOTICES[outcome] ?? '';
        if (notice) noticeTimer = setTimeout(() => { notice = ''; render(); }, NOTICE_MS);
        render();
      },
    };
  }

  ns.chip = { start };
})();
