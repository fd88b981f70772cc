// settings.js — the Settings section: the engine's token budget and memories
// per prompt, consent for sensitive categories, and the sites' switches.
import { send, el, say, problem, siteAccess, CATEGORIES, SENSITIVE } from './api.js';

const $ = (id) => document.getElementById(id);
let settings = null;            // the engine's settings as last read or saved

async function loadEngine() {
  const reply = await send({ op: 'settings.get' });
  if (reply?.error) return say($('settings-status'), `Could not read the settings: ${problem(reply)}`, true);
  settings = reply;
  $('token-budget').value = reply.token_budget;
  $('max-memories').value = reply.max_memories;
  await renderConsent();
}

async function renderConsent() {
  // The sensitive categories, plus any category holding a fact marked sensitive or already allowed.
  const facts = (await send({ op: 'facts.list', superseded: true })).facts ?? [];
  const shown = new Set([...SENSITIVE, ...(settings.consent ?? [])]);
  const counts = {};
  for (const f of facts) if (f.sensitivity === 'sensitive') { shown.add(f.category); counts[f.category] = (counts[f.category] ?? 0) + 1; }
  const list = $('consent-list');
  list.replaceChildren();
  for (const c of CATEGORIES.filter((c) => shown.has(c))) {
    const id = `consent-${c}`;
    const box = el('input', '', { type: 'checkbox', id, role: 'switch', checked: (settings.consent ?? []).includes(c) });
    box.addEventListener('change', () => setConsent(c, box.checked));
    const wrap = el('div', '', { class: 'field check' });
    const n = counts[c] ? ` (${counts[c]} sensitive ${counts[c] === 1 ? 'fact' : 'facts'})` : '';
    wrap.append(box, el('label', `Allow ${c} facts to be given to assistants${n}`, { for: id }));
    list.append(wrap);
  }
}

async function save(next, region) {
  const reply = await send({ op: 'settings.set', ...next });
  if (reply?.error) {
    say(region, `Not saved: ${problem(reply)}`, true);
    return false;
  }
  settings = reply;
  return true;
}

async function setConsent(category, on) {
  const consent = new Set(settings.consent ?? []);
  if (on) consent.add(category); else consent.delete(category);
  const next = { token_budget: settings.token_budget, max_memories: settings.max_memories, consent: CATEGORIES.filter((c) => consent.has(c)) };
  if (await save(next, $('consent-status'))) say($('consent-status'), on ? `${category} facts may now be given to assistants.` : `${category} facts will not be given to assistants.`);
  else $(`consent-${category}`).checked = !on;
}

// Sites: the user's switches (prefs ops).
let builtinHosts = [];
async function loadSites(message) {
  const reply = await send({ op: 'prefs.get' });
  if (reply?.error) return say($('sites-status'), `Could not read the sites: ${problem(reply)}`, true);
  $('pause-all').checked = reply.paused;
  builtinHosts = reply.builtin;
  const hosts = [...new Set([...reply.builtin, ...Object.keys(reply.sites)])];
  const list = $('site-list');
  list.replaceChildren();
  for (const host of hosts) {
    const builtin = reply.builtin.includes(host);
    const on = reply.sites[host] ?? builtin;
    const id = `site-${host.replace(/[^a-z0-9]/g, '_')}`;
    const box = el('input', '', { type: 'checkbox', role: 'switch', id, checked: on });
    box.addEventListener('change', () => setSites({ [host]: box.checked }, `${host} is ${box.checked ? 'on' : 'off'}.`, builtin));
    const item = el('li', '', { 'data-host': host });
    item.append(box, el('label', host, { for: id }), el('span', builtin ? 'built-in' : 'added by you', { class: 'meta' }));
    if (!builtin || host in reply.sites) {
      item.append(el('button', builtin ? 'Reset' : 'Remove', {
        type: 'button', class: 'small', 'aria-label': `${builtin ? 'Reset' : 'Remove'} ${host}`,
        onclick: () => setSites({ [host]: null }, builtin ? `${host} is back to its default.` : `${host} removed.`, builtin),
      }));
    }
    list.append(item);
  }
  if (message) say($('sites-status'), message);
}

// setSites changes switches; for a site that is not built in it first asks the
// browser for (or gives back) its host permission — within the click.
async function setSites(sites, message, builtin = false) {
  const [[h, on]] = Object.entries(sites);
  if (!(await siteAccess(h, on === true, builtin))) {
    say($('sites-status'), `Not turned on: the browser did not allow Confidant to read ${h}.`, true);
    return loadSites();
  }
  const reply = await send({ op: 'prefs.set', sites });
  if (reply?.error) say($('sites-status'), `Not changed: ${problem(reply)}`, true);
  await loadSites(reply?.error ? undefined : message);
}

// host accepts a host name or a URL and returns the host, or null.
function host(input) {
  const s = input.trim().toLowerCase();
  try { return new URL(s.includes('://') ? s : `https://${s}`).hostname || null; } catch { return null; }
}

export async function show() {
  await Promise.all([loadEngine(), loadSites()]);
}

export function init() {
  $('engine-settings').addEventListener('submit', async (e) => {
    e.preventDefault();
    const next = { token_budget: Number($('token-budget').value), max_memories: Number($('max-memories').value), consent: settings?.consent ?? [] };
    if (await save(next, $('settings-status'))) say($('settings-status'), `Saved: up to ${settings.token_budget} tokens and ${settings.max_memories} memories per prompt.`);
  });
  // Let the engine report its own ranges: the browser's checks would only block the submit silently.
  $('engine-settings').noValidate = true;
  $('pause-all').addEventListener('change', async (e) => {
    const reply = await send({ op: 'prefs.set', paused: e.target.checked });
    if (reply?.error) { e.target.checked = !e.target.checked; return say($('sites-status'), `Not changed: ${problem(reply)}`, true); }
    say($('sites-status'), reply.paused ? 'Confidant is paused everywhere.' : 'Confidant is running.');
  });
  $('add-site').addEventListener('submit', (e) => {
    e.preventDefault();
    const h = host($('site-host').value);
    if (!h) return say($('sites-status'), 'That is not a host name (for example chat.example.com).', true);
    $('site-host').value = '';
    setSites({ [h]: true }, `${h} is on.`, builtinHosts.includes(h));
  });
}
