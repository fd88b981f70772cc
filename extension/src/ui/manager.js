// manager.js — the memory manager page (minimal for now: search). UI only:
// every request goes to the service worker, which owns the engine.
// Memories are rendered as text nodes, never as HTML.

/** send runs one privileged op and returns its reply. */
export function send(request) {
  return chrome.runtime.sendMessage({ kind: 'op', request });
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.textContent = text;
  return node;
}

async function search(query) {
  const status = document.getElementById('status');
  const list = document.getElementById('results');
  status.textContent = 'Searching…';
  const reply = await send({ op: 'recall', text: query, k: 10 });
  list.replaceChildren();
  if (reply?.error) {
    status.textContent = `Search failed: ${reply.error.message}`;
    return;
  }
  const hits = reply.hits ?? [];
  status.textContent = hits.length ? `${hits.length} ${hits.length === 1 ? 'memory' : 'memories'} found` : 'Nothing relevant found';
  for (const hit of hits) {
    const item = document.createElement('li');
    item.dataset.id = hit.id;
    item.append(el('span', hit.text, 'text'), el('span', `${hit.role} · ${hit.time.slice(0, 10)} · ${(hit.why ?? []).join('; ')}`, 'meta'));
    list.append(item);
  }
}

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  search(document.getElementById('query').value);
});
