// The fixture's own page script: a tiptap-like composer whose send button is
// enabled once text is typed; sending POSTs the completion request shape and
// renders the reply (streamed in pieces, data-is-streaming="true" until done)
// as an assistant message.
const editor = document.querySelector('[data-testid="chat-input"]');
const sendButton = document.querySelector('button[aria-label="Send message"]');
const thread = document.getElementById('thread');
const ORG = '3f1c2b9e-0000-4000-8000-00000000a11c';
const CONVERSATION = '7d0e6a54-0000-4000-8000-0000000c1a0d';

const text = () => editor.innerText.replace(/\u00a0/g, ' ').trim();
const syncButton = () => { sendButton.disabled = !text(); };
editor.addEventListener('input', syncButton);
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); }
});
sendButton.addEventListener('click', send);

function userMessage(body) {
  const turn = document.createElement('div');
  turn.dataset.testRenderCount = '1';
  const div = document.createElement('div');
  div.dataset.testid = 'user-message';
  div.className = '!font-user-message grid grid-cols-1 gap-2 py-0.5';
  const p = document.createElement('p');
  p.className = 'whitespace-pre-wrap break-words';
  p.textContent = body;
  div.append(p);
  turn.append(div);
  thread.append(turn);
}

function assistantMessage() {
  const turn = document.createElement('div');
  turn.setAttribute('data-is-streaming', 'true');
  const div = document.createElement('div');
  div.className = 'font-claude-response relative leading-[1.65rem]';
  const p = document.createElement('p');
  p.className = 'whitespace-normal break-words';
  div.append(p);
  turn.append(div);
  thread.append(turn);
  return { turn, p };
}

async function send() {
  const prompt = text();
  if (!prompt) return;
  editor.innerHTML = '<p class="is-empty is-editor-empty"><br class="ProseMirror-trailingBreak"></p>';
  syncButton();
  userMessage(prompt);
  const body = JSON.stringify({
    prompt,
    parent_message_uuid: '00000000-0000-4000-8000-000000000000',
    timezone: 'UTC',
    personalized_styles: [],
    locale: 'en-US',
    model: 'claude-sonnet-4-5',
    tools: [],
    attachments: [],
    files: [],
    sync_sources: [],
    rendering_mode: 'messages',
  });
  const res = await fetch(`/api/organizations/${ORG}/chat_conversations/${CONVERSATION}/completion`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body,
  });
  const { reply } = await res.json();
  const { turn, p } = assistantMessage();
  const step = Math.ceil(reply.length / 3);
  for (let i = 0; i < reply.length; i += step) {
    p.textContent = reply.slice(0, i + step);
    await new Promise((r) => setTimeout(r, 100));
  }
  turn.setAttribute('data-is-streaming', 'false');
}
