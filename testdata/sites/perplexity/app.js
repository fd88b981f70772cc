// The fixture's own page script: a Lexical-like composer whose submit button
// is enabled once text is typed; submitting POSTs the perplexity_ask request
// shape and renders the query and the answer (streamed in pieces).
const editor = document.getElementById('ask-input');
const submitButton = document.querySelector('button[data-testid="submit-button"]');
const thread = document.getElementById('thread');
let turn = 0;

const text = () => editor.innerText.replace(/\u00a0/g, ' ').trim();
const syncButton = () => { submitButton.disabled = !text(); };
editor.addEventListener('input', syncButton);
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); }
});
submitButton.addEventListener('click', send);

async function send() {
  const prompt = text();
  if (!prompt) return;
  editor.innerHTML = '<p><br></p>';
  syncButton();
  const n = turn++;
  const h1 = document.createElement('h1');
  h1.className = 'group/query text-3xl';
  h1.textContent = prompt;
  thread.append(h1);
  const body = JSON.stringify({
    params: {
      attachments: [],
      language: 'en-US',
      timezone: 'UTC',
      search_focus: 'internet',
      sources: ['web'],
      search_recency_filter: null,
      frontend_uuid: crypto.randomUUID(),
      mode: 'concise',
      model_preference: 'turbo',
      is_related_query: false,
      is_sponsored: false,
      frontend_context_uuid: crypto.randomUUID(),
      prompt_source: 'user',
      query_source: 'home',
      is_incognito: false,
      version: '2.18',
      dsl_query: prompt,
    },
    query_str: prompt,
  });
  const res = await fetch('/rest/sse/perplexity_ask', {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body,
  });
  const { reply } = await res.json();
  const answer = document.createElement('div');
  answer.id = `markdown-content-${n}`;
  answer.className = 'gap-y-md flex flex-col';
  const prose = document.createElement('div');
  prose.className = 'prose';
  answer.append(prose);
  thread.append(answer);
  const step = Math.ceil(reply.length / 3);
  for (let i = 0; i < reply.length; i += step) {
    prose.textContent = reply.slice(0, i + step);
    await new Promise((r) => setTimeout(r, 100));
  }
}
