// conversations.js — the Conversations section: browse by site, time and
// text, page through them, open one to read its turns, delete a
// conversation or a single turn.
import { send, el, button, say, problem, when } from './api.js';

const $ = (id) => document.getElementById(id);
const PAGE = 20, TURNS = 50;
let offset = 0, total = 0;
let current = null, turnOffset = 0, turnTotal = 0;
const sites = new Set();

// day turns a date input's value (local midnight) into an RFC 3339 time; plus adds days.
function day(value, plus = 0) {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d + plus).toISOString();
}

function filter() {
  const request = { op: 'sessions.list', limit: PAGE, offset };
  const site = $('conv-site').value.trim().toLowerCase();
  if (site) request.site = site;
  if ($('conv-from').value) request.from = day($('conv-from').value);
  if ($('conv-to').value) request.to = day($('conv-to').value, 1);        // the whole "to" day
  const q = $('conv-query').value.trim();
  if (q) request.query = q;
  return request;
}

/** show lists one page of conversations. */
export async function show(message) {
  $('conv-detail').hidden = true;
  $('conv-browse').hidden = false;
  const status = $('conv-status');
  const reply = await send(filter());
  if (reply?.error) return say(status, `Could not list conversations: ${problem(reply)}`, true);
  total = reply.total ?? 0;
  if (offset > 0 && offset >= total) { offset = Math.max(0, total - PAGE); return show(message); }
  const list = reply.sessions ?? [];
  $('conv-list').replaceChildren(...list.map(row));
  for (const s of list) if (s.site) sites.add(s.site);
  $('conv-sites').replaceChildren(...[...sites].sort().map((s) => el('option', '', { value: s })));
  say(status, (typeof message === 'string' ? message + ' ' : '') + (total ? `${total} ${total === 1 ? 'conversation' : 'conversations'}` : 'No conversations'));
  $('conv-page').textContent = total ? `${offset + 1}–${offset + list.length} of ${total}` : '';
  $('conv-prev').disabled = offset === 0;
  $('conv-next').disabled = offset + list.length >= total;
}

function row(s) {
  const item = el('li', '', { 'data-id': s.id, class: 'conversation' });
  const title = el('button', s.title || '(untitled)', { type: 'button', class: 'link text', onclick: () => openSession(s.id) });
  const meta = `${s.site || 'unknown site'} · ${when(s.start)}${when(s.last) !== when(s.start) ? ` – ${when(s.last)}` : ''} · ${s.turns} ${s.turns === 1 ? 'message' : 'messages'}`;
  const metaId = `conv-meta-${s.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  title.setAttribute('aria-describedby', metaId);
  item.append(el('h3', '', { class: 'title' }), el('p', meta, { class: 'meta', id: metaId }));
  item.firstChild.append(title);
  return item;
}

async function openSession(id, offsetTurns = 0, message) {
  const reply = await send({ op: 'sessions.get', id, limit: TURNS, offset: offsetTurns });
  if (reply?.error) return say($('conv-status'), `Could not open the conversation: ${problem(reply)}`, true);
  current = reply.session;
  turnOffset = offsetTurns;
  turnTotal = current.turns;
  $('conv-browse').hidden = true;
  $('conv-detail').hidden = false;
  $('conv-title').textContent = current.title || '(untitled)';
  $('conv-meta').textContent = `${current.site || 'unknown site'} · ${when(current.start, true)} · ${current.turns} ${current.turns === 1 ? 'message' : 'messages'}`;
  $('conv-turns').replaceChildren(...(reply.turns ?? []).map(turnItem));
  $('turns-page').textContent = turnTotal > TURNS ? `${turnOffset + 1}–${turnOffset + reply.turns.length} of ${turnTotal}` : '';
  $('turns-prev').hidden = $('turns-next').hidden = turnTotal <= TURNS;
  $('turns-prev').disabled = turnOffset === 0;
  $('turns-next').disabled = turnOffset + reply.turns.length >= turnTotal;
  say($('conv-detail-status'), message ?? '');
  if (!message) $('conv-title').focus();
}

function turnItem(t) {
  const item = el('li', '', { 'data-id': t.id, class: `turn ${t.role}` });
  const textId = `turn-${t.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  item.append(
    el('p', `${t.role === 'user' ? 'You' : 'Assistant'} · ${when(t.time, true)}`, { class: 'meta' }),
    el('p', t.text, { class: 'text', id: textId }),
    button('Delete message', () => deleteTurn(t), { class: 'danger small', 'aria-describedby': textId }),
  );
  return item;
}

async function deleteTurn(t) {
  if (!confirm(`Delete this message?\n\n“${t.text.slice(0, 200)}”\n\nFacts learned only from it are forgotten too, unless you edited or pinned them.`)) return;
  const reply = await send({ op: 'forget', turn: t.id });
  if (reply?.error) return say($('conv-detail-status'), `Not deleted: ${problem(reply)}`, true);
  if (turnTotal <= 1) return show('Deleted the last message; the conversation is empty.');
  await openSession(current.id, turnOffset >= turnTotal - 1 ? Math.max(0, turnOffset - TURNS) : turnOffset, 'Message deleted.');
}

async function deleteSession() {
  if (!confirm(`Delete the conversation “${current.title}” and its ${current.turns} messages?\n\nFacts learned only from it are forgotten too, unless you edited or pinned them.`)) return;
  const reply = await send({ op: 'forget', session: current.id });
  if (reply?.error) return say($('conv-detail-status'), `Not deleted: ${problem(reply)}`, true);
  await show(`Deleted “${current.title}”.`);
  $('conv-query').focus();
}

export function init() {
  $('conv-filter').addEventListener('submit', (e) => { e.preventDefault(); offset = 0; show(); });
  $('conv-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); show(); });
  $('conv-next').addEventListener('click', () => { offset += PAGE; show(); });
  $('conv-back').addEventListener('click', async () => {
    const id = current?.id;
    await show();
    $('conv-list').querySelector(`li[data-id="${CSS.escape(id ?? '')}"] button`)?.focus();
  });
  $('conv-delete').addEventListener('click', deleteSession);
  $('turns-prev').addEventListener('click', () => openSession(current.id, Math.max(0, turnOffset - TURNS)));
  $('turns-next').addEventListener('click', () => openSession(current.id, turnOffset + TURNS));
}
