// Site adapters end to end in real Chromium against local fixture sites:
// a typed prompt is captured; a later prompt that needs it gets the block in
// the request the fixture server receives; an unrelated prompt gets nothing;
// the injected block is never learned back; a request the user did not submit
// (the page calling fetch / XHR itself, or clicking send with synthetic
// events) gets nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openManager, op, serveSite, stopWorker, storeTurns, watchWorker } from './helpers.mjs';
import { FACT, FIXTURES, MARKER, NEEDS, UNRELATED, posted } from './site-fixtures.mjs';

// A built-in site's fixture served under its own https host.
const served = (site) => ({
  ...FIXTURES[site],
  https: true,
  launch: (server) => ({ hostRules: `MAP ${FIXTURES[site].host} 127.0.0.1:${server.port}` }),
  url: () => `https://${FIXTURES[site].host}/`,
});

const SITES = {
  chatgpt: {
    ...served('chatgpt'),
    // The page "submits" by itself: untrusted input and click events.
    untrustedSubmit: (text) => {
      const editor = document.getElementById('prompt-textarea');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.getElementById('composer-submit-button').click();
    },
    forge: (text) => ({
      action: 'next', parent_message_id: 'client-created-root', model: 'auto',
      messages: [{ id: 'forged', author: { role: 'user' }, content: { content_type: 'text', parts: [text] } }],
    }),
  },
  claude: {
    ...served('claude'),
    untrustedSubmit: (text) => {
      const editor = document.querySelector('[data-testid="chat-input"]');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button[aria-label="Send message"]').click();
    },
    forge: (text) => ({ prompt: text, timezone: 'UTC', locale: 'en-US', attachments: [], files: [] }),
  },
  perplexity: {
    ...served('perplexity'),
    untrustedSubmit: (text) => {
      const editor = document.getElementById('ask-input');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button[data-testid="submit-button"]').click();
    },
    forge: (text) => ({ params: { mode: 'concise', sources: ['web'], version: '2.18', dsl_query: text }, query_str: text }),
  },
  deepseek: {
    ...served('deepseek'),
    // A React textarea: the page sets the value and fires input itself.
    untrustedSubmit: (text) => {
      const editor = document.querySelector('textarea');
      editor.value = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('._7436101').click();
    },
    forge: (text) => ({ chat_session_id: 'forged', parent_message_id: null, prompt: text, ref_file_ids: [], thinking_enabled: false, search_enabled: false }),
  },
  grok: {
    ...served('grok'),
    untrustedSubmit: (text) => {
      const editor = document.querySelector('div.ProseMirror[role="textbox"]');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button[data-testid="chat-submit"]').click();
    },
    forge: (text) => ({ temporary: false, modelName: 'grok-4', message: text, fileAttachments: [], imageAttachments: [], toolOverrides: {} }),
  },
  gemini: {
    ...served('gemini'),
    untrustedSubmit: (text) => {
      const editor = document.querySelector('rich-textarea .ql-editor');
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.querySelector('button.send-button').click();
    },
    // Not JSON: the urlencoded form the site sends.
    forge: (text) => 'f.req=' + encodeURIComponent(JSON.stringify([null, JSON.stringify([[text, 0, null], ['en'], ['', '', ''], 'forged'])])) + '&at=forged%3A1&',
  },
  generic: {
    https: false,
    launch: () => ({ grantHosts: ['*://127.0.0.1/*'] }),   // + enable: the real path (run-time registration)
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * chipOf reads the chip, which lives in a closed shadow root the page cannot
 * open, from the extension's isolated world (over CDP: chrome.dom can), and
 * clicks it with real mouse events (trusted, as the user's). Call after each
 * navigation.
 */
async function chipOf(page) {
  const cdp = await page.context().newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const ctx = contexts.find((c) => c.auxData?.type === 'isolated' && c.auxData.frameId === frameTree.frame.id && c.origin.startsWith('chrome-extension://'));
  assert.ok(ctx, 'the extension\'s isolated world');
  const run = async (fn, arg) => {
    const r = await cdp.send('Runtime.evaluate', { expression: `(${fn})(${JSON.stringify(arg ?? null)})`, contextId: ctx.id, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails).slice(0, 500));
    return r.result.value;
  };
  // state → null (hidden) or {label, notice, open, items: [{text, remove}]}
  const state = () => run(() => {
    const host = document.querySelector('[data-confidant=chip]');
    if (!host || host.style.display === 'none') return null;
    const root = chrome.dom.openOrClosedShadowRoot(host);
    const chip = root.querySelector('.chip'), notice = root.querySelector('.notice');
    return {
      label: chip.hidden ? '' : chip.getAttribute('aria-label'),
      busy: chip.getAttribute('aria-busy') === 'true',
      notice: notice.hidden ? '' : notice.textContent,
      open: !root.querySelector('.panel').hidden,
      items: [...root.querySelectorAll('li:not(.empty)')].map((li) => ({
        text: li.querySelector('.gen:not(.meta)').dataset.text, remove: li.querySelector('button').getAttribute('aria-label'),
      })),
    };
  });
  // rect of a part: 'chip', 'panel', 'skip', 'close', or {remove: label}
  const rect = (part) => run((p) => {
    const root = chrome.dom.openOrClosedShadowRoot(document.querySelector('[data-confidant=chip]'));
    const el = typeof p === 'string' ? root.querySelector({ chip: '.chip', panel: '.panel', skip: '.skip', close: '.actions button:last-child' }[p])
      : [...root.querySelectorAll('li button')].find((b) => b.getAttribute('aria-label') === p.remove);
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, part);
  const click = async (part) => {
    const r = await rect(part);
    await page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  };
  // settled waits for the preview of the typed text (after the debounce) to
  // land: the chip shows a count and is no longer busy.
  const settled = () => waitFor(async () => {
    const v = await state();
    return v && !v.busy && /^\d+ memor/.test(v.label) ? v : null;
  }, 'the chip');
  return { state, rect, click, settled, run };
}

// shot saves a screenshot of the composer and the chip (and the open preview) when CONFIDANT_SCREENSHOTS is set.
async function shot(page, chip, composer, name) {
  const dir = process.env.CONFIDANT_SCREENSHOTS;
  if (!dir) return;
  const boxes = [await page.locator(composer).boundingBox(), await chip.rect('chip')];
  if ((await chip.state())?.open) boxes.push(await chip.rect('panel'));
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - 16), y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - 16);
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + 16, bottom = Math.max(...boxes.map((b) => b.y + b.height)) + 16;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name), clip: { x, y, width: right - x, height: bottom - y } });
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

    const prompts = () => posted(s, server);
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

    // 6. The chip shows the count while the user types; its preview lists the
    //    items; the veto removes one from the request the server gets.
    const chip = await chipOf(page);
    const type = async (text) => { await page.click(s.composer); await page.keyboard.type(text); return chip.settled(); };
    const enter = async () => {
      const k = prompts().length;
      await page.keyboard.press('Enter');
      await waitFor(() => prompts().length > k, 'the request');
      return prompts()[k];
    };
    let view = await type(NEEDS);
    const count = Number(view.label.match(/^(\d+) memor/)[1]);
    assert.ok(count > 0 && !view.open);
    if (site === 'chatgpt') await shot(page, chip, s.composer, 'chip.png');
    await chip.click('chip');
    view = await waitFor(async () => { const v = await chip.state(); return v?.open && v.items.length ? v : null; }, 'the open preview');
    assert.equal(view.items.length, count, `the chip's count is the preview's items: ${JSON.stringify(view)}`);
    if (site === 'chatgpt') await shot(page, chip, s.composer, 'preview.png');
    const gone = view.items.find((i) => i.text === FACT) ?? view.items[0];
    assert.match(gone.remove, /^Remove (memory|profile fact): /, 'the Remove button names its item');
    await chip.click({ remove: gone.remove });
    await waitFor(async () => /1 removed/.test((await chip.state())?.label ?? ''), 'the removal');
    await page.keyboard.press('Escape');
    assert.equal((await chip.state()).open, false, 'Escape closes the preview');
    assert.ok(await page.evaluate((sel) => document.querySelector(sel).contains(document.activeElement), s.composer), 'focus is back in the composer');
    const vetoed = await enter();
    assert.ok(!vetoed.includes(gone.text), `the removed item is not sent: ${JSON.stringify(vetoed)}`);
    assert.ok(vetoed.endsWith(NEEDS), JSON.stringify(vetoed));

    // 7. Skip: the request is exactly what was typed.
    await type(NEEDS);
    await chip.click('chip');
    await waitFor(async () => (await chip.state())?.open, 'the open preview');
    await chip.click('skip');
    await waitFor(async () => /^Memories off/.test((await chip.state())?.label ?? ''), 'the skip');
    await chip.click('close');
    assert.equal(await enter(), NEEDS, 'skipped: the request is untouched');

    // 8. The veto was for those messages only.
    assert.match((await type(NEEDS)).label, /^\d+ memor(y|ies): open/, 'nothing removed or skipped any more');
    assert.ok((await enter()).startsWith(MARKER), 'the block is back');
  });
}

/**
 * chatgptSession serves the ChatGPT fixture as https://chatgpt.com/, launches
 * the extension, opens the manager (with the greyhound fact stored unless
 * comet is false) and a fresh page. Everything closes after the test.
 */
async function chatgptSession(t, { comet = true } = {}) {
  const server = await serveSite('chatgpt', { https: true });
  const browser = await launch({ hostRules: `MAP chatgpt.com 127.0.0.1:${server.port}` });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  if (comet) await op(manager, { op: 'ingest', turns: [{ id: 'comet', session: 'pets', role: 'user', text: FACT, time: '2024-03-01T09:00:00Z' }] });
  const page = await browser.ctx.newPage();
  return { server, browser, manager, page };
}

test('chatgpt: history the site renders after load is not captured; replies after a submit are', async (t) => {
  const { server, browser, manager, page } = await chatgptSession(t, { comet: false });
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
  const { server, browser, manager, page } = await chatgptSession(t);
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
  const { server, browser, manager, page } = await chatgptSession(t);
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

// What a person meets after the worker was stopped while idle (MV3 stops it
// after ~30 s): with 10,000 stored turns the worker needs a cold start before
// it can answer. Typed at a quick typist's pace (100 ms a key, so the chip's
// preview, which waits for a 250 ms pause, never fires), the click into the
// composer and the keystrokes wake the worker (chip.js, wake) and it is
// running before the last key; a
// text inserted without keystrokes and sent at once (keyboard.insertText: one
// input event, as dictation or autofill would) waits for the cold start and
// still carries its memories (inject.js, BLOCK_MS). Both are measured and printed, not asserted; the
// request must carry the block either way.
test('chatgpt: the first send after the worker was stopped, typed and inserted at once; the added latency is measured', async (t) => {
  const { server, browser, manager, page } = await chatgptSession(t);
  await storeTurns(manager, 10_000);
  await page.goto('https://chatgpt.com/');
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const firstSend = async (how) => {
    await stopWorker(browser, manager);
    const n = server.posts.length;
    await page.click('#prompt-textarea');
    if (how === 'typed') {
      const worker = await watchWorker(browser, manager);
      await page.keyboard.type(NEEDS.slice(0, -1), { delay: 100 });
      const woke = worker.seen.includes('running');
      await worker.detach();
      assert.ok(woke, `typing started the worker before the last key (${worker.seen})`);
      await page.keyboard.type(NEEDS.slice(-1));
    } else {
      await page.keyboard.insertText(NEEDS);       // one trusted input, no keystrokes: no preview
    }
    await page.keyboard.press('Enter');
    await waitFor(() => server.posts.length > n, 'the request', 20_000);
    const body = JSON.parse(server.posts[n].body).messages[0].content.parts[0];
    assert.ok(body.startsWith(MARKER) && body.includes('greyhound'), `${how}: the block went out: ${body.slice(0, 80)}`);
    return page.evaluate(() => {
      const starts = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/backend-api/f/conversation')).map((e) => e.startTime);
      return starts.at(-1) - window.fixtureSentAt.at(-1);
    });
  };
  const typed = await firstSend('typed');
  await page.reload();
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const pasted = await firstSend('pasted');
  console.log(`first send after a stopped worker, 10,000 stored turns: added latency ${typed.toFixed(0)} ms typed (100 ms a key), ${pasted.toFixed(0)} ms inserted at once and sent`);
});

test('chatgpt: a page script cannot read the chip\'s preview, nor get a preview by setting the composer text itself', async (t) => {
  const { server, browser, manager, page } = await chatgptSession(t);
  await page.goto('https://chatgpt.com/');
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const chip = await chipOf(page);

  // The page writes prompts into the composer in every way it can: DOM, input
  // events, execCommand (whose input events are trusted), untrusted keys.
  await page.evaluate(async (text) => {
    const editor = document.getElementById('prompt-textarea');
    for (let i = 0; i < 5; i++) {
      editor.focus();
      editor.innerHTML = '<p></p>';
      editor.firstChild.textContent = `${text} ${i}`;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true }));
      document.execCommand('insertText', false, ' probe');
      editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }));
      editor.dispatchEvent(new ClipboardEvent('paste', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 400));
    }
  }, NEEDS);
  await sleep(500);
  assert.equal(await chip.state(), null, 'no chip: no preview was asked for');
  // The rate limiter counts previews: the whole budget is still there, so the page's writes made none.
  const budget = await chip.run(async (text) => {
    const replies = [];
    for (let i = 0; i < 21; i++) replies.push(await chrome.runtime.sendMessage({ kind: 'preview', text, typed: true }));
    return replies.map((r) => (Array.isArray(r.items) ? 'ok' : r.error?.code));
  }, NEEDS);
  assert.deepEqual(budget, [...Array(20).fill('ok'), 'rate_limited'], 'twenty previews left; the 21st is refused');
});

test('chatgpt: the open preview is not readable from the page (closed shadow root, no page text, no find)', async (t) => {
  const { server, browser, manager, page } = await chatgptSession(t);
  await page.goto('https://chatgpt.com/');
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const chip = await chipOf(page);
  await page.click('#prompt-textarea');
  await page.keyboard.type(NEEDS);
  await chip.settled();
  await chip.click('chip');
  const view = await waitFor(async () => { const v = await chip.state(); return v?.open && v.items.length ? v : null; }, 'the open preview');
  assert.ok(view.items.some((i) => i.text.includes('greyhound')), JSON.stringify(view));
  const seen = await page.evaluate(() => {
    const host = document.querySelector('[data-confidant=chip]');
    const sel = getSelection();
    sel.selectAllChildren(document.documentElement);
    const selected = sel.toString();
    sel.removeAllRanges();
    return {
      host: !!host, shadowRoot: host?.shadowRoot ?? null, children: host?.children.length,
      body: document.body.innerText, html: document.documentElement.innerText, content: document.documentElement.textContent,
      selected, found: window.find('greyhound'),
    };
  });
  assert.ok(seen.host, 'the host is there');
  assert.equal(seen.shadowRoot, null, 'closed shadow root');
  assert.equal(seen.children, 0);
  for (const k of ['body', 'html', 'content', 'selected']) assert.ok(!seen[k].includes('greyhound'), `${k}: ${JSON.stringify(seen[k]).slice(0, 200)}`);
  assert.equal(seen.found, false, 'window.find does not reach the preview\'s text');
  // A page's synthetic click on the host does nothing.
  await page.evaluate(() => document.querySelector('[data-confidant=chip]').click());
  assert.equal((await chip.state()).open, true);
});

test('chatgpt: when the request shape is not recognised, the user is told and the block goes into the composer on the next submit', async (t) => {
  const { server, browser, manager, page } = await chatgptSession(t);
  await page.goto('https://chatgpt.com/?shape=changed');
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const chip = await chipOf(page);
  const sent = () => server.posts.filter((p) => p.path === '/backend-api/f/conversation').map((p) => JSON.parse(p.body).input.text);
  const submit = async () => {
    const n = sent().length;
    await page.click('#prompt-textarea');
    await page.keyboard.type(NEEDS);
    await chip.settled();
    await page.keyboard.press('Enter');
    await waitFor(() => sent().length > n, 'the request');
    return sent()[n];
  };
  assert.equal(await submit(), NEEDS, 'a request of another shape goes out untouched');
  const told = await waitFor(async () => (await chip.state())?.notice, 'the notice', 20000);
  assert.match(told, /went without memories: the site.s request format changed/);

  const inserted = await submit();
  assert.match(inserted, /^\[confidant:memory\][^]*greyhound[^]*\[\/confidant:memory\]\s*what should I feed Comet\?$/, JSON.stringify(inserted));
  assert.match(await waitFor(async () => (await chip.state())?.notice, 'the notice'), /sent by inserting them into the message box/);

  // What capture learns is stripped: the user turn as typed, the echoed reply without the block.
  const recall = async (role) => (await op(manager, { op: 'recall', text: role === 'user' ? NEEDS : 'feed Comet greyhound canned reply said', role, k: 50 })).hits ?? [];
  await waitFor(async () => (await recall('assistant')).length >= 2, 'both replies');
  await waitFor(async () => (await recall('user')).filter((h) => h.text === NEEDS).length >= 2, 'both user turns');
  for (const h of [...await recall('user'), ...await recall('assistant')]) {
    assert.ok(!h.text.includes('confidant:memory') && !(h.role === 'assistant' && h.text.includes('adopted')), `stored stripped: ${JSON.stringify(h.text)}`);
  }
  assert.deepEqual([...new Set((await recall('user')).map((h) => h.text))].sort(), [FACT, NEEDS].sort());
});

// recorder records what the content scripts send to the worker ({kind, text}),
// by wrapping chrome.runtime.sendMessage in the extension's isolated world.
async function recorder(chip) {
  await chip.run(() => {
    if (globalThis.__sent) return;
    const sent = globalThis.__sent = [];
    const original = chrome.runtime.sendMessage;
    chrome.runtime.sendMessage = function (m, ...rest) {
      sent.push({ kind: m?.kind, text: m?.text ?? m?.turn?.text ?? null });
      return original.apply(this, [m, ...rest]);
    };
  });
  return {
    all: () => chip.run(() => globalThis.__sent),
    kinds: async () => (await chip.run(() => globalThis.__sent)).map((m) => m.kind),
    clear: () => chip.run(() => { globalThis.__sent.length = 0; }),
  };
}

// chatgptPage launches Chromium on the ChatGPT fixture with FACT stored.
async function chatgptPage(t, query = '') {
  const { server, browser, manager, page } = await chatgptSession(t);
  const open = async () => {
    await page.goto('https://chatgpt.com/' + query);
    await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
    return chipOf(page);
  };
  const sent = () => server.posts.filter((p) => p.path === '/backend-api/f/conversation').map((p) => JSON.parse(p.body))
    .map((b) => b.messages?.at(-1).content.parts[0] ?? b.input?.text);
  const request = async (action) => {
    const n = sent().length;
    await action();
    await waitFor(() => sent().length > n, 'the request');
    return sent()[n];
  };
  return { server, browser, manager, page, open, sent, request };
}

// swapIn makes the page replace the composer's text (as a page script can at any time).
const swapIn = (text) => {
  const editor = document.getElementById('prompt-textarea');
  editor.innerHTML = '<p></p>';
  editor.firstChild.textContent = text;
};

test('chatgpt: a page that steers the preview to its own text cannot tell from the chip whether it has memories', async (t) => {
  const { page, open } = await chatgptPage(t);
  // The user types "x"; the page's own keydown listener swaps in its text
  // right after, so the preview (read after the debounce) is for the page's text.
  const probe = async (text) => {
    const chip = await open();
    await page.evaluate(({ text, swap }) => {
      const replace = new Function(`return (${swap})`)();
      window.addEventListener('keydown', () => setTimeout(() => replace(text), 0), true);
    }, { text, swap: swapIn.toString() });
    await page.click('#prompt-textarea');
    await page.keyboard.type('x');
    const view = await chip.settled();                 // (read in the isolated world, which the page cannot)
    const seen = await page.evaluate(() => {
      const host = document.querySelector('[data-confidant=chip]');
      if (!host) return { host: false };
      const r = host.getBoundingClientRect();
      const cs = getComputedStyle(host);
      const hits = [];
      for (let x = 0; x < innerWidth; x += 4) for (let y = 0; y < innerHeight; y += 4) if (document.elementFromPoint(x, y) === host) hits.push(`${x},${y}`);
      return {
        host: true, parent: host.parentNode === document.documentElement, last: host === document.documentElement.lastElementChild,
        rect: [r.x, r.y, r.width, r.height], attributes: [...host.attributes].map((a) => [a.name, a.value]),
        style: [...cs].map((p) => `${p}: ${cs.getPropertyValue(p)}`), children: host.children.length, shadow: host.shadowRoot,
        hits,
      };
    });
    return { count: Number(view.label.match(/^(\d+) memor/)[1]), seen };
  };
  const many = await probe(NEEDS);
  const none = await probe(UNRELATED);
  assert.ok(many.count > 0, 'the page steered the preview to its text with memories');
  assert.equal(none.count, 0, 'and to one without');
  assert.ok(many.seen.host && many.seen.hits.length > 0, 'the chip is shown (and hit-testable) in both cases');
  assert.deepEqual(many.seen, none.seen, 'the page sees the same for 0 and N memories');
});

test('chatgpt: a page that swaps the composer text in its own window capture listener on Enter or on the send click gets no block for its text', async (t) => {
  const { page, open, request } = await chatgptPage(t);
  await open();
  await page.evaluate((swap) => {
    const replace = new Function(`return (${swap})`)();
    window.addEventListener('keydown', (e) => { if (e.key === 'Enter') replace('what should I feed Comet?'); }, true);
    window.addEventListener('click', (e) => { if (e.target.closest?.('#composer-submit-button')) replace('what should I feed Comet?'); }, true);
  }, swapIn.toString());
  for (const how of ['enter', 'click']) {
    const prompt = await request(async () => {
      await page.click('#prompt-textarea');
      await page.keyboard.type(UNRELATED);
      if (how === 'enter') await page.keyboard.press('Enter'); else await page.click('#composer-submit-button');
    });
    assert.equal(prompt, NEEDS, `${how}: the swapped text went out without a block: ${JSON.stringify(prompt)}`);
  }
});

test('chatgpt: only a button that does not hold the composer counts as the send button, whatever the page tags', async (t) => {
  const { page, open, request } = await chatgptPage(t);
  const chip = await open();
  const rec = await recorder(chip);
  // The page puts the send button's id on a wrapper around the composer and on a decoy div.
  await page.evaluate(() => {
    document.querySelector('main').id = 'composer-submit-button';
    const decoy = document.createElement('div');
    decoy.id = 'composer-submit-button';
    decoy.className = 'decoy';
    decoy.textContent = 'decoy';
    decoy.style.cssText = 'position: fixed; top: 0; left: 0; width: 200px; height: 40px;';
    document.body.append(decoy);
  });
  await rec.clear();
  const prompt = await request(async () => {
    await page.click('#prompt-textarea');              // a click inside the wrapper
    await page.keyboard.type(UNRELATED);
    await page.click('#prompt-textarea');
    await page.click('.decoy');                        // a click on the decoy
    await page.click('#prompt-textarea');
    await page.keyboard.press('Enter');                // the one real submit
  });
  assert.equal(prompt, UNRELATED);
  await waitFor(async () => (await rec.kinds()).includes('context'), 'the context call');
  const submits = (await rec.all()).filter((m) => m.kind === 'submit');
  assert.deepEqual(submits, [{ kind: 'submit', text: UNRELATED }], 'one submit: the Enter');
});

test('chatgpt: paused from the manager, an open page goes inert at once (no chip, previews, submits or insertion); unpaused, it works again without a reload', async (t) => {
  const { page, manager, open, request } = await chatgptPage(t, '?shape=changed');
  const chip = await open();
  const isOn = () => chip.run(() => globalThis.__confidant.kit.state?.isOn?.() ?? true);
  await waitFor(isOn, 'the state');
  const typeIn = async (text) => { await page.click('#prompt-textarea'); await page.keyboard.type(text); };
  // The request rewrite fails once (another request shape): the composer fallback is on.
  await typeIn(NEEDS);
  await chip.settled();
  assert.equal(await request(() => page.keyboard.press('Enter')), NEEDS);
  await waitFor(async () => /went without memories/.test((await chip.state())?.notice ?? ''), 'the notice', 20000);
  // A preview with a block for the text in the composer.
  await typeIn(NEEDS);
  assert.match((await chip.settled()).label, /^[1-9]\d* memor/);

  await op(manager, { op: 'prefs.set', paused: true });
  await waitFor(async () => !(await isOn()), 'the page to hear of the pause');
  assert.equal(await chip.state(), null, 'no chip');
  const rec = await recorder(chip);
  await rec.clear();
  assert.equal(await request(() => page.keyboard.press('Enter')), NEEDS, 'nothing inserted into the composer');
  await typeIn('I also have a cat named Pixel');
  await sleep(1000);                                   // longer than the preview's debounce
  assert.deepEqual(await rec.kinds(), [], 'no preview, submit, context or capture');
  assert.equal(await chip.state(), null, 'still no chip');
  assert.equal(await page.evaluate(async () => {
    const t0 = performance.now();
    await fetch('/backend-api/f/conversation', { method: 'POST', body: JSON.stringify({ action: 'next', input: { text: 'hi' } }) });
    return typeof (performance.now() - t0);
  }), 'number');
  await page.evaluate(() => { document.getElementById('prompt-textarea').innerHTML = '<p><br></p>'; });

  await op(manager, { op: 'prefs.set', paused: false });
  await waitFor(isOn, 'the page to hear of the unpause');
  await typeIn(NEEDS);
  assert.match((await chip.settled()).label, /^[1-9]\d* memor/, 'the chip is back');
  const inserted = await request(() => page.keyboard.press('Enter'));
  assert.match(inserted, /^\[confidant:memory\][^]*greyhound[^]*\[\/confidant:memory\]\s*what should I feed Comet\?$/, JSON.stringify(inserted));
  assert.ok((await rec.kinds()).includes('submit'), 'submits again');
});

test('chatgpt: the preview by keyboard: Alt+Shift+M, a modal dialog the focus cycles in, Escape back to the composer; the notice region is there before it is filled', async (t) => {
  const { page, open } = await chatgptPage(t);
  const chip = await open();
  await page.click('#prompt-textarea');
  await page.keyboard.type(NEEDS);
  const view = await chip.settled();
  assert.match(view.label, /Alt\+Shift\+M/, 'the label announces the shortcut');
  const inside = () => chip.run(() => {
    const root = chrome.dom.openOrClosedShadowRoot(document.querySelector('[data-confidant=chip]'));
    const panel = root.querySelector('.panel'), notice = root.querySelector('.notice'), button = root.querySelector('.chip');
    const stops = [...panel.querySelectorAll('button')];
    return {
      open: !panel.hidden, role: panel.getAttribute('role'), modal: panel.getAttribute('aria-modal'),
      shortcut: button.getAttribute('aria-keyshortcuts'), focus: stops.indexOf(root.activeElement), stops: stops.length,
      notice: { role: notice.getAttribute('role'), hidden: notice.hidden, text: notice.textContent, connected: notice.isConnected },
    };
  });
  let s = await inside();
  assert.deepEqual(s.notice, { role: 'status', hidden: false, text: '', connected: true }, 'an empty live region, present');
  assert.equal(s.shortcut, 'Alt+Shift+M');
  assert.equal(s.open, false);
  await page.keyboard.press('Alt+Shift+KeyM');
  s = await waitFor(async () => { const v = await inside(); return v.open && v.focus >= 0 ? v : null; }, 'the open preview');
  assert.equal(s.role, 'dialog');
  assert.equal(s.modal, 'true');
  assert.equal(s.focus, 0, 'the focus is on the first item');
  assert.ok(s.stops >= 3, JSON.stringify(s));
  const seen = [];
  for (let i = 0; i < s.stops; i++) { await page.keyboard.press('Tab'); seen.push((await inside()).focus); }
  assert.deepEqual(seen, [...Array(s.stops).keys()].map((i) => (i + 1) % s.stops), 'Tab cycles inside the dialog');
  await page.keyboard.press('Shift+Tab');
  assert.equal((await inside()).focus, s.stops - 1, 'Shift+Tab from the first goes to the last');
  await page.keyboard.press('Escape');
  assert.equal((await inside()).open, false, 'Escape closes');
  assert.ok(await page.evaluate(() => document.getElementById('prompt-textarea').contains(document.activeElement)), 'the focus is back in the composer');
  assert.equal(await page.evaluate(() => document.getElementById('prompt-textarea').innerText.trim()), NEEDS, 'the shortcut typed nothing');
});

test('generic: only the form\'s submit (or Send) button submits; Attach and Clear do not', async (t) => {
  const server = await serveSite('generic');
  const browser = await launch({ grantHosts: ['*://127.0.0.1/*'] });
  t.after(async () => { await browser.close(); await server.close(); });
  const manager = await openManager(browser);
  await op(manager, { op: 'prefs.set', sites: { '127.0.0.1': true } });
  const page = await browser.ctx.newPage();
  await page.goto(server.url + '/');
  await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), null, { timeout: 5000 });
  const chip = await chipOf(page);
  const rec = await recorder(chip);
  await waitFor(() => chip.run(() => globalThis.__confidant.kit.state?.isOn?.() ?? true), 'the state');
  await rec.clear();
  await page.click('#box');
  await page.keyboard.type(FACT);
  await page.click('#attach');
  await page.click('#clear');
  await page.click('#box');
  await page.keyboard.type(UNRELATED);
  const n = server.posts.length;
  await page.click('button[type=submit]');
  await waitFor(() => server.posts.length > n, 'the request');
  await waitFor(async () => (await rec.kinds()).includes('context'), 'the context call');
  assert.deepEqual((await rec.all()).filter((m) => m.kind === 'submit'), [{ kind: 'submit', text: UNRELATED }], 'one submit: the Send button');
});
