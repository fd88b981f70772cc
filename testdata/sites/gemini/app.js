// The fixture's own page script: a Quill-like composer; sending posts the
// StreamGenerate request with XMLHttpRequest (as gemini.google.com does): an
// urlencoded form f.req=[null,"<inner JSON>"]&at=… whose inner[0][0] is the
// prompt. Renders user-query / model-response elements (the reply streamed in
// pieces).
const editor = document.querySelector('rich-textarea .ql-editor');
const sendButton = document.querySelector('button.send-button');
const history = document.getElementById('chat-history');
const ENDPOINT = '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate';
const AT = 'AJvLN6M0x-fixture:1732500000000';
let reqid = 100000;
let ids = ['', '', ''];

const text = () => editor.innerText.replace(/\u00a0/g, ' ').trim();
const syncButton = () => sendButton.setAttribute('aria-disabled', String(!text()));
editor.addEventListener('input', syncButton);
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); }
});
sendButton.addEventListener('click', send);

function post(body) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${ENDPOINT}?bl=boq_assistant-bard-web-server_20251120.07_p0&f.sid=-1234567890&hl=en&_reqid=${reqid++}&rt=c`);
    xhr.setRequestHeader('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    xhr.onload = () => resolve(xhr.responseText);
    xhr.onerror = reject;
    xhr.send(body);
  });
}

async function send() {
  const prompt = text();
  if (!prompt) return;
  editor.innerHTML = '<p><br></p>';
  syncButton();
  const conversation = document.createElement('div');
  conversation.className = 'conversation-container';
  const q = document.createElement('user-query');
  const qt = document.createElement('div');
  qt.className = 'query-text';
  qt.textContent = prompt;
  q.append(qt);
  conversation.append(q);
  history.append(conversation);
  const inner = [[prompt, 0, null, null, null, null, 0], ['en'], ids, 'fixture-token', null, null, [1], 1, null, null, 1, 0];
  const body = 'f.req=' + encodeURIComponent(JSON.stringify([null, JSON.stringify(inner)])) + '&at=' + encodeURIComponent(AT) + '&';
  const { reply } = JSON.parse(await post(body));
  ids = ['c_fixture', 'r_fixture', 'rc_fixture'];
  const r = document.createElement('model-response');
  const content = document.createElement('message-content');
  content.className = 'model-response-text';
  const md = document.createElement('div');
  md.className = 'markdown markdown-main-panel';
  content.append(md);
  r.append(content);
  conversation.append(r);
  const step = Math.ceil(reply.length / 3);
  for (let i = 0; i < reply.length; i += step) {
    md.textContent = reply.slice(0, i + step);
    await new Promise((res) => setTimeout(res, 100));
  }
}
