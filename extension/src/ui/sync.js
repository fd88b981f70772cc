// sync.js — the Sync section: turn sync on (a new vault; its recovery code is
// shown once and never again: only the page holds it, until "Done"), join
// with a code, status, "Sync now", stop syncing on this device. The work is
// the service worker's (background/sync.js); this is the UI.
import { send, el, say, problem, when } from './api.js';

const $ = (id) => document.getElementById(id);
let busy = false;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describe(run) {
  const parts = [];
  if (run.pulled) parts.push(run.changed ? `${plural(run.changed, 'change')} received` : 'nothing new on the server');
  if (run.pushed) parts.push('this device\'s changes uploaded');
  return `Synced (version ${run.version}): ${parts.join('; ') || 'up to date'}.`;
}

// render shows the section for a sync.status reply.
function render(st) {
  $('sync-origin').textContent = st.origin ?? '';
  const codeShown = !$('sync-code-box').hidden;
  $('sync-off').hidden = st.configured || codeShown;
  $('sync-on').hidden = !st.configured || codeShown;
  if (!st.configured) return;
  const rows = [
    ['Server', st.server ?? 'unknown'],
    ['Vault', st.vault ? `${st.vault.slice(0, 8)}…` : ''],
    ['This device', st.device],
    ['Version', st.version ? String(st.version) : 'not synced yet'],
    ['Last synced', st.last_sync ? when(st.last_sync, true) : 'never'],
    ['Changes not yet synced', st.changes === null ? 'unknown until the first sync' : st.changes ? 'yes' : 'none'],
  ];
  if (st.pending) rows.push(['Upload awaiting confirmation', `version ${st.pending}`]);
  if (st.last_error) rows.push(['Last error', `${when(st.last_error.at, true)}: ${st.last_error.message}`]);
  $('sync-facts').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
}

export async function show() {
  const st = await send({ op: 'sync.status' });
  if (st?.error) return say($('sync-status'), `Could not read the sync status: ${problem(st)}`, true);
  render(st);
}

// act runs one sync op with the buttons disabled; resolves to its reply.
async function act(message, request) {
  if (busy) return null;
  busy = true;
  const buttons = ['sync-setup', 'sync-join', 'sync-now', 'sync-leave'].map($);
  for (const b of buttons) b.disabled = true;
  say($('sync-status'), message);
  try {
    return await send(request);
  } finally {
    busy = false;
    for (const b of buttons) b.disabled = false;
  }
}

async function syncNow() {
  const reply = await act('Syncing…', { op: 'sync.run' });
  if (!reply) return;
  if (reply.error) say($('sync-status'), `Sync failed: ${problem(reply)}`, true);
  else say($('sync-status'), describe(reply));
  await show();
}

async function setup() {
  const server = $('sync-server').value.trim();
  if (!server) { $('sync-server').focus(); return say($('sync-status'), 'Enter the sync server address first.', true); }
  const reply = await act('Turning sync on…', { op: 'sync.setup', server });
  if (!reply) return;
  if (reply.error) return say($('sync-status'), `Sync was not turned on: ${problem(reply)}`, true);
  $('sync-code-value').textContent = reply.recovery_code;
  $('sync-saved').checked = false;
  $('sync-code-done').disabled = true;
  $('sync-code-box').hidden = false;
  $('sync-off').hidden = true;
  $('sync-code-title').focus();
  say($('sync-status'), 'Sync is on. Save your recovery code, shown below only this once.');
  // The first upload creates the vault on the server.
  const run = await act('Sync is on. Uploading this device\'s memories…', { op: 'sync.run' });
  if (run?.error) say($('sync-status'), `Sync is on, but the first upload failed: ${problem(run)}`, true);
  else if (run) say($('sync-status'), `Sync is on. ${describe(run)} Save your recovery code below.`);
}

function codeDone() {
  $('sync-code-value').textContent = '';          // never shown again
  $('sync-code-box').hidden = true;
  show().then(() => $('sync-now').focus());
}

async function copyCode() {
  try {
    await navigator.clipboard.writeText($('sync-code-value').textContent);
    say($('sync-status'), 'Recovery code copied. Paste it somewhere safe, then clear your clipboard.');
  } catch {
    getSelection().selectAllChildren($('sync-code-value'));
    say($('sync-status'), 'Could not copy automatically: the code is selected, copy it with Ctrl+C (⌘C).', true);
  }
}

async function join() {
  const server = $('sync-server').value.trim();
  const code = $('sync-code').value.trim();
  if (!server) { $('sync-server').focus(); return say($('sync-status'), 'Enter the sync server address first.', true); }
  if (!code) { $('sync-code').focus(); return say($('sync-status'), 'Enter the recovery code from your other device.', true); }
  const reply = await act('Joining…', { op: 'sync.join', server, recovery_code: code });
  if (!reply) return;
  if (reply.error) {
    $('sync-code').setAttribute('aria-invalid', String(reply.error.code === 'bad_recovery_code'));
    return say($('sync-status'), `Not joined: ${problem(reply)}`, true);
  }
  $('sync-code').value = '';
  $('sync-code').removeAttribute('aria-invalid');
  await show();
  const run = await act('Joined. Downloading your memories…', { op: 'sync.run' });
  if (run?.error) say($('sync-status'), `Joined, but the first sync failed: ${problem(run)}`, true);
  else if (run) say($('sync-status'), `Joined. ${describe(run)}`);
  await show();
}

async function leave() {
  if (!confirm('Stop syncing on this device?\n\nYour memories stay on this device and on the server; this device just stops syncing. To sync again later you need the recovery code.')) return;
  const reply = await act('Stopping sync…', { op: 'sync.leave' });
  if (!reply) return;
  if (reply.error) return say($('sync-status'), `Sync was not stopped: ${problem(reply)}`, true);
  say($('sync-status'), 'Sync is off on this device. Your memories here are kept.');
  await show();
  $('sync-server').focus();
}

export function init() {
  $('sync-setup').addEventListener('click', setup);
  $('sync-join').addEventListener('click', join);
  $('sync-now').addEventListener('click', syncNow);
  $('sync-leave').addEventListener('click', leave);
  $('sync-copy').addEventListener('click', copyCode);
  $('sync-code-done').addEventListener('click', codeDone);
  $('sync-saved').addEventListener('change', (e) => { $('sync-code-done').disabled = !e.target.checked; });
  $('sync-code').addEventListener('input', (e) => e.target.removeAttribute('aria-invalid'));
}
