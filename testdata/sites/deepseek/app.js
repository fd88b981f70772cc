// The fixture's own page script: a React-like textarea composer whose send
// button (a div[role=button]) is enabled once text is typed; sending POSTs the
// chat/completion request shape and renders the reply (streamed in pieces)
// in a .ds-markdown block.
const editor = document.querySelector('textarea');
const sendButton = document.querySelector('._7436101');
const thread = document.getElementById('thread');
const SESSION = '5b6c0d2e-0000-4000-8000-00000000d5e5';
let parent = null;

const text = () => editor.value.trim();
const syncButton = () => sendButton.setAttribute('aria-disabled', String(!text()));
editor.addEventListener('input', syncButton);
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); }
});
sendButton.addEventListener('click', () => { if (sendButton.getAttribute('aria-disabled') !== 'true') send(); });

async function send() {
  const prompt = text();
  if (!prompt) return;
  editor.value = '';
  syncButton();
  const user = document.createElement('div');
  user.className = 'fbb737a4';
  user.textContent = prompt;
  thread.append(user);
  const body = JSON.stringify({
    chat_session_id: SESSION,
    parent_message_id: parent,
    prompt,
    ref_file_ids: [],
    thinking_enabled: false,
    search_enabled: false,
  });
  parent = (parent ?? 0) + 2;
  const res = await fetch('/api/v0/chat/completion', {
    method: 'POST', headers: { 'content-type': 'application/json', accept: '*/*' }, body,
  });
  const { reply } = await res.json();
  const answer = document.createElement('div');
  answer.className = 'ds-markdown ds-markdown--block';
  const p = document.createElement('p');
  p.className = 'ds-markdown-paragraph';
  answer.append(p);
  thread.append(answer);
  const step = Math.ceil(reply.length / 3);
  for (let i = 0; i < reply.length; i += step) {
    p.textContent = reply.slice(0, i + step);
    await new Promise((r) => setTimeout(r, 100));
  }
}
