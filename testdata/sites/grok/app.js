// The fixture's own page script: a tiptap-like composer; the send button is
// rendered only once text is typed (removed when the composer is empty).
// The first send POSTs /rest/app-chat/conversations/new, later ones the
// per-conversation /responses endpoint; each renders the user turn and the
// reply (streamed in pieces).
const editor = document.querySelector('div.ProseMirror[role="textbox"]');
const toolbar = document.getElementById('toolbar');
const thread = document.getElementById('thread');
const CONVERSATION = '9a2e4c10-0000-4000-8000-000000000a0c';
let turns = 0;
let sendButton = null;

const text = () => editor.innerText.replace(/\u00a0/g, ' ').trim();
const syncButton = () => {
  if (text() && !sendButton) {
    sendButton = document.createElement('button');
    sendButton.type = 'submit';
    sendButton.dataset.testid = 'chat-submit';
    sendButton.setAttribute('aria-label', 'Submit');
    sendButton.textContent = '↑';
    toolbar.append(sendButton);
  } else if (!text() && sendButton) { sendButton.remove(); sendButton = null; }
};
editor.addEventListener('input', syncButton);
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); }
});
document.querySelector('form').addEventListener('submit', (e) => { e.preventDefault(); send(); });

function bubble(role, body) {
  const turn = document.createElement('div');
  turn.id = `response-${turns++}`;
  turn.className = `relative group flex flex-col justify-center w-full ${role === 'user' ? 'items-end' : 'items-start'}`;
  const b = document.createElement('div');
  b.className = 'message-bubble relative rounded-3xl';
  const p = document.createElement('p');
  p.className = 'break-words';
  p.textContent = body;
  b.append(p);
  turn.append(b);
  thread.append(turn);
  return p;
}

async function send() {
  const prompt = text();
  if (!prompt) return;
  editor.innerHTML = '<p class="is-empty is-editor-empty"><br class="ProseMirror-trailingBreak"></p>';
  syncButton();
  const first = turns === 0;
  bubble('user', prompt);
  const body = JSON.stringify({
    temporary: false,
    modelName: 'grok-4',
    message: prompt,
    fileAttachments: [],
    imageAttachments: [],
    disableSearch: false,
    enableImageGeneration: true,
    returnImageBytes: false,
    returnRawGrokInXaiRequest: false,
    enableImageStreaming: true,
    imageGenerationCount: 2,
    forceConcise: false,
    toolOverrides: {},
    enableSideBySide: true,
    sendFinalMetadata: true,
    isReasoning: false,
    disableTextFollowUps: false,
    ...(first ? {} : { parentResponseId: `response-${turns - 2}` }),
  });
  const res = await fetch(first ? '/rest/app-chat/conversations/new' : `/rest/app-chat/conversations/${CONVERSATION}/responses`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  });
  const { reply } = await res.json();
  const p = bubble('assistant', '');
  const step = Math.ceil(reply.length / 3);
  for (let i = 0; i < reply.length; i += step) {
    p.textContent = reply.slice(0, i + step);
    await new Promise((r) => setTimeout(r, 100));
  }
}
