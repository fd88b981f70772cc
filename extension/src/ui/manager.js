// manager.js — the memory manager page: a tab per section, each in its own
// module. UI only: every request goes to the service worker, which owns the
// engine. Memories are rendered as text nodes, never as HTML.
import { send } from './api.js';
import * as search from './search.js';
import * as facts from './facts.js';
import * as conversations from './conversations.js';
import * as settings from './settings.js';
import * as data from './data.js';
import * as health from './health.js';
import * as sync from './sync.js';

const SECTIONS = { search, facts, conversations, settings, data, sync, health };
const tabs = [...document.querySelectorAll('[role=tab]')];

/** open shows one section (and loads its data); focus moves to its tab when asked. */
export function open(name, focus = false) {
  if (!SECTIONS[name]) name = 'search';
  for (const tab of tabs) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
    if (on && focus) tab.focus();
  }
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  SECTIONS[name].show?.();
}

for (const tab of tabs) {
  const name = tab.id.slice(4);
  tab.addEventListener('click', () => open(name));
  tab.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    open(tabs[(to + tabs.length) % tabs.length].id.slice(4), true);
  });
}

for (const section of Object.values(SECTIONS)) section.init?.();

// A warning at the top while the store is degraded (see health.js).
export async function banner() {
  const box = document.getElementById('banner');
  const status = await send({ op: 'status' });
  box.replaceChildren();
  box.hidden = !status?.degraded;
  if (!status?.degraded) return;
  const go = document.createElement('a');
  go.href = '#health';
  go.textContent = 'Review it in Health';
  go.addEventListener('click', (e) => { e.preventDefault(); open('health', true); });
  box.append('Some stored data could not be loaded and was kept aside. ', go);
}
health.onChange(banner);
banner();
addEventListener('hashchange', () => open(location.hash.slice(1)));
open(location.hash.slice(1) || 'search');
