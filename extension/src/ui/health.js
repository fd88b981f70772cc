// health.js — the Health section: the store's status and, when it is
// degraded (a snapshot or log record could not be restored and was kept
// aside), a download of what was kept and "keep the current state".
import { send, el, say, problem, when, download } from './api.js';

const $ = (id) => document.getElementById(id);
let changed = () => {};

/** onChange registers what to run after the degraded state may have changed. */
export function onChange(fn) { changed = fn; }

export async function show(message) {
  const status = await send({ op: 'status' });
  if (status?.error) return say($('health-status'), `Could not read the status: ${problem(status)}`, true);
  const rows = [
    ['State', status.degraded ? 'Degraded: some stored data was kept aside' : 'Healthy'],
    ['Stored', `${status.engine.sessions} conversations, ${status.engine.turns} messages, ${status.engine.current_facts} facts (${status.engine.facts - status.engine.current_facts} superseded)`],
    ['Last snapshot', status.snapshot ? `${when(status.snapshot.at, true)} (${Math.ceil(status.snapshot.size / 1024)} KB)` : 'none yet'],
    ['Changes since', `${status.log}`],
  ];
  if (status.quarantine) rows.push(['Kept aside', `${when(status.quarantine.at, true)}: ${status.quarantine.size ? `a snapshot of ${Math.ceil(status.quarantine.size / 1024)} KB and ` : ''}${status.quarantine.log} logged changes`]);
  $('health-facts').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  $('degraded').hidden = !status.degraded;
  $('degraded-reason').textContent = status.degraded ? `${status.degraded.reason} (since ${when(status.degraded.at, true)}).` : '';
  const errors = status.errors ?? [];
  $('health-errors').replaceChildren(...(errors.length ? errors.map((e) => el('li', `${when(e.at, true)} · ${e.kind}: ${e.message}`)) : [el('li', 'None')]));
  say($('health-status'), typeof message === 'string' ? message : (status.degraded ? 'Attention needed: storage is degraded.' : 'Storage is healthy.'), !!status.degraded && typeof message !== 'string');
}

async function downloadQuarantine() {
  const reply = await send({ op: 'store.quarantine.get' });
  if (reply?.error) return say($('health-status'), `Could not read the kept-aside data: ${problem(reply)}`, true);
  download(JSON.stringify({ format: 'confidant-quarantine', version: 1, records: reply.records }, null, 1),
    `confidant-quarantine-${new Date().toISOString().slice(0, 10)}.json`, 'application/json');
  say($('health-status'), `Downloaded ${reply.records.length} kept-aside ${reply.records.length === 1 ? 'record' : 'records'}.`);
}

async function resolve() {
  if (!confirm('Keep the current state?\n\nThe data kept aside is deleted (download it first if you may need it) and Confidant saves what it has now as its new snapshot.')) return;
  const reply = await send({ op: 'store.quarantine.clear' });
  if (reply?.error) return say($('health-status'), `Not resolved: ${problem(reply)}`, true);
  await show('Resolved: the current state was kept and saved; storage is healthy again.');
  changed();
  $('health-refresh').focus();
}

export function init() {
  $('health-refresh').addEventListener('click', () => show());
  $('quarantine-download').addEventListener('click', downloadQuarantine);
  $('quarantine-resolve').addEventListener('click', resolve);
}
