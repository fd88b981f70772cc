// facts.js — the Facts section: browse by category (superseded on request),
// edit inline, pin, delete, mark sensitive.
import { send, el, button, say, problem, when, CATEGORIES } from './api.js';

const $ = (id) => document.getElementById(id);
let seq = 0;

function filter() {
  const request = { op: 'facts.list' };
  if ($('facts-category').value) request.category = $('facts-category').value;
  if ($('facts-superseded').checked) request.superseded = true;
  const q = $('facts-query').value.trim();
  if (q) request.query = q;
  return request;
}

/** show (re)loads the list; focusId names a fact whose first button gets focus; message replaces the count. */
export async function show(focusId, message) {
  if (typeof focusId !== 'string') focusId = undefined;
  const list = $('facts-list'), status = $('facts-status');
  const reply = await send(filter());
  if (reply?.error) return say(status, `Could not list facts: ${problem(reply)}`, true);
  const facts = reply.facts ?? [];
  list.replaceChildren(...facts.map(card));
  say(status, message ?? (facts.length ? `${facts.length} ${facts.length === 1 ? 'fact' : 'facts'}` : 'No facts yet'));
  if (focusId) list.querySelector(`li[data-id="${CSS.escape(focusId)}"] button`)?.focus();
}

function card(f) {
  const item = el('li', '', { 'data-id': f.id, class: ['fact', f.superseded_by ? 'superseded' : '', f.pinned ? 'pinned' : ''].join(' ') });
  const textId = `fact-text-${++seq}`;
  const meta = [f.category, `since ${when(f.valid_from)}`];
  if (f.sensitivity === 'sensitive') meta.push('sensitive');
  if (f.pinned) meta.push('pinned');
  if (f.user_edited) meta.push('edited by you');
  if (f.superseded_by) meta.push('superseded by a newer fact');
  item.append(el('p', f.text, { class: 'text', id: textId }), el('p', meta.join(' · '), { class: 'meta' }));
  if (f.sensitivity === 'sensitive') item.prepend(el('span', 'Sensitive', { class: 'badge' }));
  const actions = el('div', '', { class: 'actions' });
  actions.append(
    button('Edit', () => edit(item, f), { 'aria-describedby': textId }),
    button(f.pinned ? 'Unpin' : 'Pin', () => act({ op: 'facts.pin', id: f.id, pinned: !f.pinned }, f.pinned ? 'Unpinned' : 'Pinned', f.id), { 'aria-describedby': textId }),
    button('Delete', () => remove(f), { 'aria-describedby': textId, class: 'danger' }),
  );
  item.append(actions);
  return item;
}

async function act(request, done, focusId) {
  const reply = await send(request);
  if (reply?.error) return say($('facts-status'), `Not changed: ${problem(reply)}`, true);
  await show(focusId, `${done}: ${reply.fact?.text ?? ''}`);
}

async function remove(f) {
  if (!confirm(`Delete this fact?\n\n“${f.text}”\n\nConfidant forgets it; it will not be given to an assistant again.`)) return;
  const reply = await send({ op: 'facts.delete', id: f.id });
  if (reply?.error) return say($('facts-status'), `Not deleted: ${problem(reply)}`, true);
  await show(undefined, `Deleted: ${f.text}`);
  $('facts-query').focus();
}

function field(label, control) {
  const id = `fact-edit-${++seq}`;
  control.id = id;
  const wrap = el('div', '', { class: 'field' });
  wrap.append(el('label', label, { for: id }), control);
  return wrap;
}

function select(options, value) {
  const s = el('select');
  for (const [v, text] of options) s.append(el('option', text, { value: v, selected: v === value }));
  return s;
}

function edit(item, f) {
  const text = el('input', '', { autocomplete: 'off', required: true });
  text.value = f.text;
  const value = el('input', '', { autocomplete: 'off', required: true });
  value.value = f.value;
  const category = select(CATEGORIES.map((c) => [c, c]), f.category);
  const sensitivity = select([['normal', 'Normal'], ['sensitive', 'Sensitive: never given without consent']], f.sensitivity);
  const form = el('form', '', { class: 'edit stack', 'aria-label': `Edit fact: ${f.text}` });
  const cancel = button('Cancel', () => show(f.id));
  const actions = el('div', '', { class: 'actions' });
  actions.append(el('button', 'Save', { type: 'submit' }), cancel);
  form.append(field('Statement', text), field('Value', value), field('Category', category), field('Sensitivity', sensitivity), actions);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const request = { op: 'facts.edit', id: f.id };
    if (text.value !== f.text) request.text = text.value;
    if (value.value !== f.value) request.value = value.value;
    if (category.value !== f.category) request.category = category.value;
    if (sensitivity.value !== f.sensitivity) request.sensitivity = sensitivity.value;
    act(request, 'Saved', f.id);
  });
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') show(f.id); });
  item.querySelector('.actions').replaceWith(form);
  text.focus();
}

export function init() {
  const cat = $('facts-category');
  cat.append(el('option', 'All categories', { value: '' }), ...CATEGORIES.map((c) => el('option', c, { value: c })));
  $('facts-filter').addEventListener('submit', (e) => { e.preventDefault(); show(); });
  for (const id of ['facts-category', 'facts-superseded']) $(id).addEventListener('change', () => show());
  $('facts-query').addEventListener('input', () => show());
}
