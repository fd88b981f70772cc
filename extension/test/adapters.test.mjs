// Meta-test: every registered adapter implements the interface, has a fixture
// dir (testdata/sites/<id>/index.html) and a selfTest that passes on it
// in Chromium; the shipped manifest loads every adapter file before index.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, access } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { launch, serveSite, BUILT } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SRC = join(here, '..', 'src', 'content', 'adapters');
const METHODS = ['matches', 'composerText', 'onSubmit', 'messages', 'requestPrompt', 'rewriteRequest', 'insertIntoComposer', 'selfTest'];

async function adapterFiles() {
  const files = (await readdir(SRC)).filter((f) => f.endsWith('.js') && f !== 'index.js').sort();
  return [...files, 'index.js'];
}

async function registry() {
  const context = vm.createContext({ URL });
  vm.runInContext(await readFile(join(SRC, '..', 'adapter-kit.js'), 'utf8'), context, { filename: 'adapter-kit.js' });
  for (const f of await adapterFiles()) vm.runInContext(await readFile(join(SRC, f), 'utf8'), context, { filename: f });
  return context.__confidant.registry;
}

test('every registered adapter implements the interface and every adapter file is registered', async () => {
  const reg = await registry();
  assert.deepEqual(reg.adapters.map((a) => a.id), reg.ids, 'every registered id has an adapter file');
  assert.deepEqual([...reg.ids].sort(), (await adapterFiles()).filter((f) => f !== 'index.js').map((f) => f.replace(/\.js$/, '')).sort(), 'one file per adapter, all registered');
  for (const a of reg.adapters) for (const m of METHODS) assert.equal(typeof a[m], 'function', `${a.id}.${m}`);
  assert.equal(reg.ids.at(-1), 'generic', 'generic is last (it matches any page it runs on)');
  assert.equal(reg.forUrl('https://chatgpt.com/c/abc').id, 'chatgpt');
  assert.equal(reg.forUrl('https://chat.openai.com/').id, 'chatgpt');
  assert.equal(reg.forUrl('https://claude.ai/new').id, 'claude');
  assert.equal(reg.forUrl('https://www.perplexity.ai/search/abc').id, 'perplexity');
  assert.equal(reg.forUrl('https://chat.deepseek.com/a/chat/s/abc').id, 'deepseek');
  assert.equal(reg.forUrl('https://grok.com/chat/abc').id, 'grok');
  assert.equal(reg.forUrl('https://gemini.google.com/app/abc').id, 'gemini');
  assert.equal(reg.forUrl('https://example.org/').id, 'generic');
  assert.equal(reg.strip('[confidant:memory]\n- a\n[/confidant:memory]\n\nhello [confidant:memory] x'), 'hello');
});

test('adapters check the request shape: a different shape is left alone', async () => {
  const reg = await registry();
  const chatgpt = reg.adapters.find((a) => a.id === 'chatgpt');
  const url = 'https://chatgpt.com/backend-api/f/conversation';
  const good = JSON.stringify({ action: 'next', messages: [{ author: { role: 'user' }, content: { content_type: 'text', parts: ['hi'] } }] });
  assert.equal(chatgpt.requestPrompt(url, good), 'hi');
  assert.equal(JSON.parse(chatgpt.rewriteRequest(url, good, 'B')).messages[0].content.parts[0], 'B\n\nhi');
  for (const [u, b] of [
    ['https://chatgpt.com/backend-api/f/conversation/prepare', good],
    ['https://evil.example/backend-api/f/conversation', good],
    [url, JSON.stringify({ action: 'next', messages: [{ author: { role: 'user' }, content: { parts: [{ image: 1 }] } }] })],
    [url, JSON.stringify({ action: 'next', messages: [{ author: { role: 'assistant' }, content: { parts: ['hi'] } }] })],
    [url, JSON.stringify({ messages: [] })],
    [url, 'not json'],
  ]) {
    assert.equal(chatgpt.requestPrompt(u, b), null, `${u} ${b}`);
    assert.equal(chatgpt.rewriteRequest(u, b, 'B'), null, `${u} ${b}`);
  }
  const claude = reg.adapters.find((a) => a.id === 'claude');
  const curl = 'https://claude.ai/api/organizations/org-1/chat_conversations/conv-1/completion';
  const cgood = JSON.stringify({ prompt: 'hi', timezone: 'UTC', locale: 'en-US', attachments: [], files: [] });
  assert.equal(claude.requestPrompt(curl, cgood), 'hi');
  assert.deepEqual(JSON.parse(claude.rewriteRequest(curl, cgood, 'B')), { prompt: 'B\n\nhi', timezone: 'UTC', locale: 'en-US', attachments: [], files: [] });
  for (const [u, b] of [
    ['https://claude.ai/api/organizations/org-1/chat_conversations/conv-1/retry_completion', cgood],
    ['https://claude.ai/api/organizations/org-1/chat_conversations/conv-1', cgood],
    ['https://evil.example/api/organizations/org-1/chat_conversations/conv-1/completion', cgood],
    [curl, JSON.stringify({ prompt: { text: 'hi' } })],
    [curl, JSON.stringify({ prompt: '' })],
    [curl, JSON.stringify({ text: 'hi' })],
    [curl, '["hi"]'],
    [curl, 'not json'],
  ]) {
    assert.equal(claude.requestPrompt(u, b), null, `${u} ${b}`);
    assert.equal(claude.rewriteRequest(u, b, 'B'), null, `${u} ${b}`);
  }
  const perplexity = reg.adapters.find((a) => a.id === 'perplexity');
  const purl = 'https://www.perplexity.ai/rest/sse/perplexity_ask';
  const pgood = JSON.stringify({ params: { mode: 'concise', sources: ['web'], version: '2.18', dsl_query: 'hi' }, query_str: 'hi' });
  assert.equal(perplexity.requestPrompt(purl, pgood), 'hi');
  assert.deepEqual(JSON.parse(perplexity.rewriteRequest(purl, pgood, 'B')), { params: { mode: 'concise', sources: ['web'], version: '2.18', dsl_query: 'B\n\nhi' }, query_str: 'B\n\nhi' });
  for (const [u, b] of [
    ['https://www.perplexity.ai/rest/sse/perplexity_ask/reconnect', pgood],
    ['https://evil.example/rest/sse/perplexity_ask', pgood],
    [purl, JSON.stringify({ query_str: 'hi' })],
    [purl, JSON.stringify({ query_str: 'hi', params: [] })],
    [purl, JSON.stringify({ query_str: 'hi', params: { dsl_query: { text: 'hi' } } })],
    [purl, JSON.stringify({ query_str: '', params: {} })],
    [purl, JSON.stringify({ prompt: 'hi', params: {} })],
    [purl, 'not json'],
  ]) {
    assert.equal(perplexity.requestPrompt(u, b), null, `${u} ${b}`);
    assert.equal(perplexity.rewriteRequest(u, b, 'B'), null, `${u} ${b}`);
  }
  const deepseek = reg.adapters.find((a) => a.id === 'deepseek');
  const durl = 'https://chat.deepseek.com/api/v0/chat/completion';
  const dgood = JSON.stringify({ chat_session_id: 's-1', parent_message_id: null, prompt: 'hi', ref_file_ids: [], thinking_enabled: false, search_enabled: false });
  assert.equal(deepseek.requestPrompt(durl, dgood), 'hi');
  assert.deepEqual(JSON.parse(deepseek.rewriteRequest(durl, dgood, 'B')), { chat_session_id: 's-1', parent_message_id: null, prompt: 'B\n\nhi', ref_file_ids: [], thinking_enabled: false, search_enabled: false });
  for (const [u, b] of [
    ['https://chat.deepseek.com/api/v0/chat/regenerate', dgood],
    ['https://chat.deepseek.com/api/v0/chat/completion/extra', dgood],
    ['https://evil.example/api/v0/chat/completion', dgood],
    [durl, JSON.stringify({ chat_session_id: 's-1', prompt: '' })],
    [durl, JSON.stringify({ chat_session_id: 's-1', prompt: ['hi'] })],
    [durl, JSON.stringify({ chat_session_id: 7, prompt: 'hi' })],
    [durl, JSON.stringify({ chat_session_id: 's-1', message: 'hi' })],
    [durl, '["hi"]'],
    [durl, 'not json'],
  ]) {
    assert.equal(deepseek.requestPrompt(u, b), null, `${u} ${b}`);
    assert.equal(deepseek.rewriteRequest(u, b, 'B'), null, `${u} ${b}`);
  }
  const grok = reg.adapters.find((a) => a.id === 'grok');
  const gnew = 'https://grok.com/rest/app-chat/conversations/new';
  const gconv = 'https://grok.com/rest/app-chat/conversations/c-1/responses';
  const ggood = JSON.stringify({ temporary: false, modelName: 'grok-4', message: 'hi', fileAttachments: [], toolOverrides: {} });
  for (const u of [gnew, gconv]) {
    assert.equal(grok.requestPrompt(u, ggood), 'hi');
    assert.deepEqual(JSON.parse(grok.rewriteRequest(u, ggood, 'B')), { temporary: false, modelName: 'grok-4', message: 'B\n\nhi', fileAttachments: [], toolOverrides: {} });
  }
  for (const [u, b] of [
    ['https://grok.com/rest/app-chat/conversations/c-1', ggood],
    ['https://grok.com/rest/app-chat/conversations/c-1/responses/r-1', ggood],
    ['https://grok.com/rest/app-chat/conversations/new/extra', ggood],
    ['https://evil.example/rest/app-chat/conversations/new', ggood],
    [gnew, JSON.stringify({ message: '' })],
    [gnew, JSON.stringify({ message: { text: 'hi' } })],
    [gnew, JSON.stringify({ prompt: 'hi' })],
    [gnew, '["hi"]'],
    [gnew, 'not json'],
  ]) {
    assert.equal(grok.requestPrompt(u, b), null, `${u} ${b}`);
    assert.equal(grok.rewriteRequest(u, b, 'B'), null, `${u} ${b}`);
  }
  const gemini = reg.adapters.find((a) => a.id === 'gemini');
  const murl = 'https://gemini.google.com/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?bl=boq_x&_reqid=1&rt=c';
  const form = (inner, rest = '&at=AJvLN6M0x%3A1732500000000&') => 'f.req=' + encodeURIComponent(JSON.stringify([null, JSON.stringify(inner)])) + rest;
  const minner = [['hi there & more = ü', 0, null], ['en'], ['c_1', 'r_1', 'rc_1'], 'tok', null, [1]];
  const mgood = form(minner);
  assert.equal(gemini.requestPrompt(murl, mgood), 'hi there & more = ü');
  const mout = gemini.rewriteRequest(murl, mgood, 'B');
  assert.equal(mout, form([['B\n\nhi there & more = ü', 0, null], ['en'], ['c_1', 'r_1', 'rc_1'], 'tok', null, [1]]), 'only the prompt changes');
  assert.ok(mout.endsWith('&at=AJvLN6M0x%3A1732500000000&'), 'the other fields are left byte for byte');
  const mparsed = new URLSearchParams(mout);
  assert.deepEqual([...mparsed.keys()], ['f.req', 'at']);
  assert.equal(mparsed.get('at'), 'AJvLN6M0x:1732500000000');
  assert.equal(JSON.parse(JSON.parse(mparsed.get('f.req'))[1])[0][0], 'B\n\nhi there & more = ü');
  assert.equal(gemini.requestPrompt(murl, 'at=x&' + form(minner, '')), 'hi there & more = ü', 'field order does not matter');
  assert.equal(gemini.requestPrompt(murl, mgood.replace(/%20/g, '+')), 'hi there & more = ü', '+ is a space');
  for (const [u, b] of [
    ['https://gemini.google.com/_/BardChatUi/data/batchexecute?rpcids=x', mgood],
    ['https://evil.example/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate', mgood],
    [murl, form([['', 0]])],
    [murl, form([[{ text: 'hi' }]])],
    [murl, form(['hi'])],
    [murl, form({ prompt: 'hi' })],
    [murl, 'f.req=' + encodeURIComponent(JSON.stringify([null, ['hi']])) + '&at=x'],
    [murl, 'f.req=' + encodeURIComponent('[null,"not json"]') + '&at=x'],
    [murl, mgood + '&' + mgood],
    [murl, 'at=x'],
    [murl, JSON.stringify({ prompt: 'hi' })],
  ]) {
    assert.equal(gemini.requestPrompt(u, b), null, `${u} ${b}`);
    assert.equal(gemini.rewriteRequest(u, b, 'B'), null, `${u} ${b}`);
  }
  const generic = reg.adapters.find((a) => a.id === 'generic');
  assert.equal(generic.requestPrompt('http://x/api', '{"prompt":"hi"}'), 'hi');
  assert.equal(generic.rewriteRequest('http://x/api', '[1,2]', 'B'), null);
  assert.equal(generic.rewriteRequest('http://x/api', 'a=b', 'B'), null);
});

test('every registered adapter has fixtures and its selfTest passes on them (Chromium)', async (t) => {
  const reg = await registry();
  const browser = await launch();
  t.after(() => browser.close());
  const sources = [await readFile(join(SRC, '..', 'adapter-kit.js'), 'utf8')];
  for (const f of await adapterFiles()) sources.push(await readFile(join(SRC, f), 'utf8'));
  for (const id of reg.ids) {
    await access(join(here, '..', '..', 'testdata', 'sites', id, 'index.html'));
    const server = await serveSite(id);
    try {
      const page = await browser.ctx.newPage();
      await page.goto(server.url + '/');
      for (const content of sources) await page.addScriptTag({ content });
      const result = await page.evaluate((id) => globalThis.__confidant.registry.adapters.find((a) => a.id === id).selfTest(document), id);
      assert.deepEqual(result, { ok: true, problems: [] }, `${id}: ${JSON.stringify(result)}`);
      // insertIntoComposer goes through the editor's input path: the page sees an input event.
      const inserted = await page.evaluate((id) => {
        const a = globalThis.__confidant.registry.adapters.find((x) => x.id === id);
        let inputs = 0;
        document.addEventListener('input', () => inputs++, true);
        a.insertIntoComposer(document, '<b>[confidant:memory] x [/confidant:memory]</b>');
        return { text: a.composerText(document), inputs, bold: document.querySelectorAll('b').length };
      }, id);
      assert.equal(inserted.text, '<b>[confidant:memory] x [/confidant:memory]</b>', `${id}: inserted as text`);
      assert.ok(inserted.inputs > 0, `${id}: the editor saw input`);
      assert.equal(inserted.bold, 0, `${id}: never parsed as HTML`);
      // And it reports a broken page.
      await page.setContent('<!doctype html><p>nothing here</p>');
      for (const content of sources) await page.addScriptTag({ content });
      const broken = await page.evaluate((id) => globalThis.__confidant.registry.adapters.find((a) => a.id === id).selfTest(document), id);
      assert.equal(broken.ok, false, `${id} notices a page without its composer`);
      await page.close();
    } finally { await server.close(); }
  }
});

test('the shipped manifest runs the adapters before the bootstrap, the page script in the MAIN world, only on chat sites', async () => {
  const m = JSON.parse(await readFile(join(BUILT, 'manifest.json'), 'utf8'));
  const files = (await adapterFiles()).map((f) => 'content/adapters/' + f);
  const [isolated, main] = m.content_scripts;
  for (const f of files) assert.ok(isolated.js.includes(f), `${f} is loaded`);
  const at = (f) => isolated.js.indexOf(f);
  for (const f of files) if (!f.endsWith('index.js')) assert.ok(at(f) < at('content/adapters/index.js'), `${f} before the registry`);
  for (const f of files) assert.ok(at('content/adapter-kit.js') < at(f), `the adapter kit before ${f}`);
  assert.deepEqual(isolated.js.slice(at('content/adapters/index.js')), ['content/adapters/index.js', 'content/capture.js', 'content/inject.js', 'content/chip.js', 'content/content.js']);
  assert.equal(isolated.world, undefined);
  assert.deepEqual(main.js, ['content/page.js']);
  assert.equal(main.world, 'MAIN');
  for (const e of m.content_scripts) {
    assert.deepEqual(e.matches, ['https://chatgpt.com/*', 'https://chat.openai.com/*', 'https://claude.ai/*', 'https://www.perplexity.ai/*', 'https://chat.deepseek.com/*', 'https://grok.com/*', 'https://gemini.google.com/*']);
    assert.equal(e.all_frames, undefined, 'top frame only');
    assert.equal(e.run_at, 'document_start');
  }
  assert.equal(m.host_permissions, undefined, 'no host permissions');
});

test('the two sides agree on the submit window and the content side has one MAX_CHARS', async () => {
  const context = vm.createContext({ URL });
  vm.runInContext(await readFile(join(SRC, '..', 'adapter-kit.js'), 'utf8'), context, { filename: 'adapter-kit.js' });
  const kit = context.__confidant.kit;
  const { SUBMIT_TTL_MS } = await import('../src/background/submits.js');
  assert.equal(kit.SUBMIT_TTL_MS, SUBMIT_TTL_MS, 'kit.SUBMIT_TTL_MS (content) = submits.js SUBMIT_TTL_MS (worker)');
  assert.ok(kit.MAX_CHARS * 3 < (await import('../src/background/schema.js')).MAX_TEXT_BYTES, 'MAX_CHARS fits the router\'s byte bound in any encoding');
  for (const f of ['capture.js', 'chip.js', 'inject.js']) {
    const src = await readFile(join(SRC, '..', f), 'utf8');
    assert.ok(!/const (MAX_CHARS|SUBMIT_TTL_MS)\s*=\s*\d/.test(src), `${f} takes its constants from adapter-kit.js`);
  }
});
