// Site adapters end to end in real Chromium against local fixture sites:
// a typed prompt is captured; a later prompt that needs it gets the block in
// the request the fixture server receives; an unrelated prompt gets nothing;
// the injected block is never learned back; a request the user did not submit
// (the page calling fetch / XHR itself, or clicking send with synthetic
// events) gets nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openManager, op, serveSite } from './helpers.mjs';

const FACT = 'I adopted a greyhound named Comet';
const NEEDS = 'what should I feed Comet?';
const UNRELATED = 'explain TCP congestion control';
const MARKER = '[confidant:memory]';

const SITES = {
  chatgpt: {
    https: true,
    launch: (server) => ({ hostRules: `MAP chatgpt.com 127.0.0.1:${server.port}` }),
    url: () => 'https://chatgpt.com/',
    composer: '#prompt-textarea',
    send: '#composer-submit-button',
    prompt: (body) => JSON.parse(body).messages.at(-1).content.parts[0],
    // The page "submits" by itself: untrusted input and click events.
    untrustedSubmit: (text) => {
      const editor = document.getElementById('prompt-textarea');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.getElementById('composer-submit-button').click();
    },
    endpoint: '/backend-api/f/conversation',
    forge: (text) => ({
      action: 'next', parent_message_id: 'client-created-root', model: 'auto',
      messages: [{ id: 'forged', author: { role: 'user' }, content: { content_type: 'text', parts: [text] } }],
    }),
  },
  claude: {
    https: true,
    launch: (server) => ({ hostRules: `MAP claude.ai 127.0.0.1:${server.port}` }),
    url: () => 'https://claude.ai/',
    composer: '[data-testid="chat-input"]',
    send: 'button[aria-label="Send message"]',
    prompt: (body) => JSON.parse(body).prompt,
    untrustedSubmit: (text) => {
      const editor = document.querySelector('[data-testid="chat-input"]');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button[aria-label="Send message"]').click();
    },
    endpoint: '/api/organizations/3f1c2b9e-0000-4000-8000-00000000a11c/chat_conversations/7d0e6a54-0000-4000-8000-0000000c1a0d/completion',
    forge: (text) => ({ prompt: text, timezone: 'UTC', locale: 'en-US', attachments: [], files: [] }),
  },
  perplexity: {
    https: true,
    launch: (server) => ({ hostRules: `MAP www.perplexity.ai 127.0.0.1:${server.port}` }),
    url: () => 'https://www.perplexity.ai/',
    composer: '#ask-input',
    send: 'button[data-testid="submit-button"]',
    prompt: (body) => JSON.parse(body).query_str,
    untrustedSubmit: (text) => {
      const editor = document.getElementById('ask-input');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button[data-testid="submit-button"]').click();
    },
    endpoint: '/rest/sse/perplexity_ask',
    forge: (text) => ({ params: { mode: 'concise', sources: ['web'], version: '2.18', dsl_query: text }, query_str: text }),
  },
  deepseek: {
    https: true,
    launch: (server) => ({ hostRules: `MAP chat.deepseek.com 127.0.0.1:${server.port}` }),
    url: () => 'https://chat.deepseek.com/',
    composer: 'textarea',
    send: '._7436101',
    prompt: (body) => JSON.parse(body).prompt,
    // A React textarea: the page sets the value and fires input itself.
    untrustedSubmit: (text) => {
      const editor = document.querySelector('textarea');
      editor.value = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('._7436101').click();
    },
    endpoint: '/api/v0/chat/completion',
    forge: (text) => ({ chat_session_id: 'forged', parent_message_id: null, prompt: text, ref_file_ids: [], thinking_enabled: false, search_enabled: false }),
  },
  grok: {
    https: true,
    launch: (server) => ({ hostRules: `MAP grok.com 127.0.0.1:${server.port}` }),
    url: () => 'https://grok.com/',
    composer: 'div.ProseMirror[role="textbox"]',
    send: 'button[data-testid="chat-submit"]',
    prompt: (body) => JSON.parse(body).message,
    untrustedSubmit: (text) => {
      const editor = document.querySelector('div.ProseMirror[role="textbox"]');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button[data-testid="chat-submit"]').click();
    },
    endpoint: '/rest/app-chat/conversations/new',
    // The first prompt starts a conversation; later ones go to its /responses.
    paths: ['/rest/app-chat/conversations/new', '/rest/app-chat/conversations/9a2e4c10-0000-4000-8000-000000000a0c/responses'],
    forge: (text) => ({ temporary: false, modelName: 'grok-4', message: text, fileAttachments: [], imageAttachments: [], toolOverrides: {} }),
  },
  gemini: {
    https: true,
    launch: (server) => ({ hostRules: `MAP gemini.google.com 127.0.0.1:${server.port}` }),
    url: () => 'https://gemini.google.com/',
    composer: 'rich-textarea .ql-editor',
    send: 'button.send-button',
    prompt: (body) => JSON.parse(JSON.parse(new URLSearchParams(body).get('f.req'))[1])[0][0],
    untrustedSubmit: (text) => {
      const editor = document.querySelector('rich-textarea .ql-editor');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button.send-button').click();
    },
    endpoint: '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate',
    // Not JSON: the urlencoded form the site sends.
    forge: (text) => 'f.req=' + encodeURIComponent(JSON.stringify([null, JSON.stringify([[text, 0, null], ['en'], ['', '', ''], 'forged'])])) + '&at=forged%3A1&',
  },
  generic: {
    https: false,
    launch: () => ({ siteMatches: ['http://127.0.0.1/*'] }),
    enable: '127.0.0.1',                   // not a built-in site: off until the user turns it on
    url: (server) => server.url + '/',
    composer: '#box',
    send: 'button[type=submit]',
    prompt: (body) => JSON.parse(body).prompt,
    untrustedSubmit: (text) => {
      document.getElementById('box').value = text;
      document.querySelector('button[type=submit]').click();
    },
    endpoint: '/api/chat',
    forge: (text) => ({ prompt: text, stream: false }),
  },
};

async function waitFor(fn, what, timeout = 10000) {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const [site, s] of Object.entries(SITES)) {
  test(`${site}: capture, injection into the request, nothing for unrelated or forged requests, no learning back`, async (t) => {
    const server = await serveSite(site, { https: s.https });
    const browser = await launch(s.launch(server));
    t.after(async () => { await browser.close(); await server.close(); });
    const manager = await openManager(browser);
    if (s.enable) await op(manager, { op: 'prefs.set', sites: { [s.enable]: true } });
    const page = await browser.ctx.newPage();
    await page.goto(s.url(server));
    await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });

    const prompts = () => server.posts.filter((p) => (s.paths ?? [s.endpoint]).includes(p.path)).map((p) => s.prompt(p.body));
    const submit = async (text, how) => {
      const n = prompts().length;
      await page.click(s.composer);
      await page.keyboard.type(text);
      if (how === 'click') await page.click(s.send); else await page.keyboard.press('Enter');
      await waitFor(() => prompts().length > n, `request for ${JSON.stringify(text)}`);
      return prompts()[n];
    };
    const stored = async (text, role) => (await op(manager, { op: 'recall', text, k: 50, ...(role && { role }) })).hits ?? [];

    // 1. A typed prompt is captured (the manager sees the turn).
    assert.equal(await submit(FACT, 'click'), FACT, 'nothing to inject yet: the request is untouched');
    await waitFor(async () => (await stored('greyhound Comet')).some((h) => h.role === 'user' && h.text === FACT), 'the captured turn');

    // 2. A later prompt that needs it gets the block, in the request the server received.
    const sent = await submit(NEEDS, 'enter');
    assert.ok(sent.startsWith(MARKER), `block prepended: ${JSON.stringify(sent)}`);
    assert.match(sent, /greyhound/);
    assert.ok(sent.endsWith('\n\n' + NEEDS), `the prompt follows the block: ${JSON.stringify(sent)}`);

    // 3. An unrelated prompt gets nothing.
    assert.equal(await submit(UNRELATED, 'click'), UNRELATED);

    // 4. The page sending a prompt itself (no trusted submit) gets nothing: fetch(url, init), fetch(Request), XHR.
    const forged = s.forge(NEEDS);
    const body = typeof forged === 'string' ? forged : JSON.stringify(forged);
    const before = prompts().length;
    await page.evaluate(async ({ endpoint, body }) => {
      await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await fetch(new Request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
      await new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', endpoint);
        xhr.onloadend = resolve;
        xhr.send(body);
      });
    }, { endpoint: s.endpoint, body });
    await waitFor(() => prompts().length === before + 3, 'the forged requests');
    assert.deepEqual(prompts().slice(before), [NEEDS, NEEDS, NEEDS], 'forged requests are passed through untouched');

    // 4b. The page submitting through its own UI with synthetic (untrusted) events gets nothing either.
    const n = prompts().length;
    await page.evaluate(s.untrustedSubmit, NEEDS);
    await waitFor(() => prompts().length > n, 'the untrusted submit');
    assert.equal(prompts()[n], NEEDS, 'an untrusted click is not a submit');

    // 5. Nothing injected is learned back: user turns are what was typed; the
    //    assistant replies (which echo the injected block) are stored stripped.
    const replies = await waitFor(async () => {
      const h = await stored('Comet greyhound feed canned reply said', 'assistant');
      return h.some((x) => x.text.includes(NEEDS)) ? h : null;
    }, 'the captured assistant reply');
    const hits = [...replies, ...await stored('Comet greyhound feed TCP congestion', 'user')];
    for (const h of hits) assert.ok(!h.text.includes('confidant:memory'), `no marker text stored: ${JSON.stringify(h.text)}`);
    const users = hits.filter((h) => h.role === 'user').map((h) => h.text);
    assert.ok(users.includes(FACT), JSON.stringify(users));
    for (const u of users) assert.ok([FACT, NEEDS, UNRELATED].includes(u), `a stored user turn is a typed prompt, as typed: ${JSON.stringify(u)}`);
    const reply = hits.find((x) => x.role === 'assistant' && x.text.includes(NEEDS));
    assert.ok(!reply.text.includes('greyhound'), `the echoed block is stripped from the reply: ${JSON.stringify(reply.text)}`);
  });
}

test('chatgpt: history the site renders after load is not captured; replies after a submit are', async (t) => {
  const server = await serveSite('chatgpt', { https: true });
  const browser = await launch({ hostRules: `MAP chatgpt.com 127.0.0.1:${server.port}` });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  const page = await browser.ctx.newPage();
  await page.goto('https://chatgpt.com/c/old-conversation');
  await page.waitForSelector('[data-message-author-role="assistant"]');
  await new Promise((r) => setTimeout(r, 1500));       // longer than the reply settle time
  await page.click('#prompt-textarea');
  await page.keyboard.type(FACT);
  await page.keyboard.press('Enter');
  const recall = async (text, role) => (await op(manager, { op: 'recall', text, role, k: 50 })).hits ?? [];
  await waitFor(async () => (await recall('canned reply greyhound Comet', 'assistant')).some((h) => h.text.includes(FACT)), 'the reply to the submit');
  assert.deepEqual(await recall('kumquats old reply history', 'assistant'), [], 'the history was not captured');
  assert.deepEqual(await recall('kumquats last year', 'user'), [], 'the history was not captured');
});

test('chatgpt: a request sent as fetch(Request) is rewritten; a body of another shape is left alone', async (t) => {
  const server = await serveSite('chatgpt', { https: true });
  const browser = await launch({ hostRules: `MAP chatgpt.com 127.0.0.1:${server.port}` });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  await op(manager, { op: 'ingest', turns: [{ id: 'comet', session: 'pets', role: 'user', text: FACT, time: '2024-03-01T09:00:00Z' }] });
  const page = await browser.ctx.newPage();
  const send = async (query) => {
    await page.goto('https://chatgpt.com/' + query);
    await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
    const n = server.posts.length;
    await page.click('#prompt-textarea');
    await page.keyboard.type(NEEDS);
    await page.click('#composer-submit-button');
    await waitFor(() => server.posts.length > n, 'the request');
    return JSON.parse(server.posts[n].body);
  };
  const viaRequest = await send('?fetch=request');
  assert.match(viaRequest.messages[0].content.parts[0], /^\[confidant:memory\][^]*greyhound[^]*\n\nwhat should I feed Comet\?$/);
  const changed = await send('?shape=changed');
  assert.deepEqual(changed, { action: 'next', input: { text: NEEDS }, parent_message_id: 'client-created-root' }, 'untouched');
});

test('chatgpt: twenty prompts in a row each get their own block; the added send latency is measured', async (t) => {
  const server = await serveSite('chatgpt', { https: true });
  const browser = await launch({ hostRules: `MAP chatgpt.com 127.0.0.1:${server.port}` });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  await op(manager, { op: 'ingest', turns: [{ id: 'comet', session: 'pets', role: 'user', text: FACT, time: '2024-03-01T09:00:00Z' }] });
  const page = await browser.ctx.newPage();
  await page.goto('https://chatgpt.com/');
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const N = 20;
  for (let i = 0; i < N; i++) {
    const n = server.posts.length;
    await page.click('#prompt-textarea');
    await page.keyboard.type(i % 2 ? `${UNRELATED} ${i}` : `${NEEDS} (${i})`);
    await page.keyboard.press('Enter');
    await waitFor(() => server.posts.length > n, 'request ' + i);
  }
  // (Later unrelated prompts may rightly get earlier unrelated turns: only the relevant ones are checked.)
  const relevant = server.posts.map((p) => JSON.parse(p.body).messages[0].content.parts[0]).filter((p) => p.includes(NEEDS));
  assert.equal(relevant.length, N / 2);
  for (const p of relevant) assert.ok(p.startsWith('[confidant:memory]'), 'every relevant prompt got its block');
  const delays = await page.evaluate(() => {
    const starts = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/backend-api/f/conversation')).map((e) => e.startTime);
    return window.fixtureSentAt.map((t0, i) => starts[i] - t0);
  });
  assert.equal(delays.length, N);
  delays.sort((a, b) => a - b);
  const p95 = delays[Math.ceil(0.95 * N) - 1];
  // A measurement, not a pass/fail criterion: timings belong in reports.
  t.diagnostic(`added latency: median ${delays[N / 2].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${N} prompts (target ≤ 30 ms p95)`);
  console.log(`added send latency: median ${delays[N / 2].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${N} prompts`);
});
