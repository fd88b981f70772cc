// search.js — the Search section: recall over past conversations.
import { send, el, say, problem } from './api.js';

async function search(query) {
  const status = document.getElementById('status');
  const list = document.getElementById('results');
  say(status, 'Searching…');
  const reply = await send({ op: 'recall', text: query, k: 10 });
  list.replaceChildren();
  if (reply?.error) return say(status, `Search failed: ${problem(reply)}`, true);
  const hits = reply.hits ?? [];
  say(status, hits.length ? `${hits.length} ${hits.length === 1 ? 'memory' : 'memories'} found` : 'Nothing relevant found');
  for (const hit of hits) {
    const item = el('li', '', { 'data-id': hit.id });
    item.append(el('span', hit.text, { class: 'text' }), el('span', `${hit.role} · ${hit.time.slice(0, 10)} · ${(hit.why ?? []).join('; ')}`, { class: 'meta' }));
    list.append(item);
  }
}

export function init() {
  document.getElementById('search').addEventListener('submit', (event) => {
    event.preventDefault();
    search(document.getElementById('query').value);
  });
}
