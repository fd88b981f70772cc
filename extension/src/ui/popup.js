// popup.js — the toolbar popup: this site's switch, the global pause, what
// was given to the assistant in this tab, and a way to the manager. The tab
// is the active one (its URL is readable through the activeTab grant the
// click gives); tests open the page with ?tab=ID&url=URL instead, since a
// test cannot click the toolbar button.
import { send, el, say, problem, when, siteAccess } from './api.js';

const $ = (id) => document.getElementById(id);

async function activeTab() {
  const params = new URLSearchParams(location.search);
  if (params.has('tab')) return { id: Number(params.get('tab')), url: params.get('url') ?? '' };
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

function hostOf(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.hostname.toLowerCase() : null;
  } catch { return null; }
}

async function switches(host) {
  const prefs = await send({ op: 'prefs.get' });
  if (prefs?.error) return say($('switch-status'), `Could not read the switches: ${problem(prefs)}`, true);
  $('paused').checked = prefs.paused;
  const box = $('site-on');
  if (!host) {
    $('site-label').textContent = 'This page';
    $('site-hint').textContent = 'Confidant works on web pages only.';
    box.disabled = true;
    return;
  }
  const builtin = prefs.builtin.includes(host);
  box.dataset.builtin = builtin ? 'yes' : '';
  box.disabled = false;
  box.checked = prefs.sites[host] ?? builtin;
  $('site-label').textContent = `On for ${host}`;
  $('site-hint').textContent = builtin ? 'A supported chat site: on unless you turn it off.' : 'Not a built-in chat site: off unless you turn it on.';
}

async function injected(tab) {
  const list = $('injected'), status = $('injected-status');
  if (!Number.isInteger(tab?.id)) return say(status, 'No tab.');
  const reply = await send({ op: 'injected.get', tab: tab.id });
  if (reply?.error) return say(status, `Could not read it: ${problem(reply)}`, true);
  const injections = reply.injections ?? [];
  say(status, injections.length ? '' : 'Nothing was given to the assistant in this tab yet.');
  list.replaceChildren(...injections.map((inj) => {
    const item = el('li');
    item.append(el('span', `${when(inj.at, true)} · ${inj.site}`, { class: 'meta' }));
    const ul = el('ul');
    for (const it of inj.items) ul.append(el('li', it.text, { class: 'text' }));
    item.append(ul);
    return item;
  }));
}

async function degraded() {
  const status = await send({ op: 'status' });
  $('degraded').hidden = !status?.degraded;
}

function openManager(hash = '') {
  chrome.tabs.create({ url: chrome.runtime.getURL(`ui/manager.html${hash}`) });
  window.close();
}

async function main() {
  const tab = await activeTab();
  const host = hostOf(tab?.url ?? '');
  $('site-on').addEventListener('change', async (e) => {
    const on = e.target.checked;
    if (!(await siteAccess(host, on, !!e.target.dataset.builtin))) {
      e.target.checked = !on;
      return say($('switch-status'), `Not turned on: the browser did not allow Confidant to read ${host}.`, true);
    }
    const reply = await send({ op: 'prefs.set', sites: { [host]: on } });
    if (reply?.error) { e.target.checked = !on; return say($('switch-status'), `Not changed: ${problem(reply)}`, true); }
    say($('switch-status'), `Confidant is ${on ? 'on' : 'off'} for ${host}${reply.paused ? ' (but paused everywhere)' : ''}.`);
  });
  $('paused').addEventListener('change', async (e) => {
    const reply = await send({ op: 'prefs.set', paused: e.target.checked });
    if (reply?.error) { e.target.checked = !e.target.checked; return say($('switch-status'), `Not changed: ${problem(reply)}`, true); }
    say($('switch-status'), reply.paused ? 'Confidant is paused everywhere.' : 'Confidant is running.');
  });
  $('open-manager').addEventListener('click', () => openManager());
  $('degraded-link').addEventListener('click', (e) => { e.preventDefault(); openManager('#health'); });
  await Promise.all([switches(host), injected(tab), degraded()]);
}

main();
