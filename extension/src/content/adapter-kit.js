// adapter-kit.js — behaviour most site adapters share, so each adapter file
// holds only its site's selectors, endpoints and request shape. Loaded before
// the adapters (manifest order); exposed as globalThis.__confidant.kit.
(() => {
  /** Visible text of an element, non-breaking spaces folded, trimmed. */
  const textOf = (el) => (el ? (el.innerText ?? el.textContent ?? '') : '').replace(/\u00a0/g, ' ').trim();

  /**
   * onTrustedSubmit calls cb(text) when the user — a trusted event, never a
   * page script — clicks an element matching sendSelector or presses Enter
   * (without Shift, outside an IME composition) inside the composer.
   * composer(doc) returns the composer element or null. Returns an
   * unsubscribe function.
   */
  function onTrustedSubmit(doc, composer, sendSelector, cb) {
    const fire = () => { const t = textOf(composer(doc)); if (t) cb(t); };
    const click = (e) => { if (e.isTrusted && e.target?.closest?.(sendSelector)) fire(); };
    const key = (e) => {
      if (!e.isTrusted || e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
      const c = composer(doc);
      if (c && c.contains(e.target)) fire();
    };
    doc.addEventListener('click', click, true);
    doc.addEventListener('keydown', key, true);
    return () => { doc.removeEventListener('click', click, true); doc.removeEventListener('keydown', key, true); };
  }

  /**
   * insertAtStart puts text (and a blank line) at the start of a composer
   * through the editor's own input path (execCommand insertText, which
   * ProseMirror, Lexical, Quill and textareas all handle), never innerHTML.
   */
  function insertAtStart(doc, el, text) {
    if (!el) return false;
    el.focus();
    if (el.tagName === 'TEXTAREA') el.setSelectionRange(0, 0);
    else {
      const range = doc.createRange();
      range.selectNodeContents(el);
      range.collapse(true);
      const sel = doc.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    return doc.execCommand('insertText', false, text + '\n\n');
  }

  (globalThis.__confidant ??= {}).kit = { textOf, onTrustedSubmit, insertAtStart };
})();
