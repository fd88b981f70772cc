// data.js — the Data section: exports in open formats and the import that
// merges them (exports.js), import from ChatGPT or Claude (import.js: adds to
// the store), the full backup (.cfds: a snapshot; restoring one replaces the
// store; refused files change nothing), delete everything.
import { send, say, problem, toBase64, fromBase64, download } from './api.js';
import * as chats from './import.js';
import * as exports from './exports.js';

const $ = (id) => document.getElementById(id);
const WIPE = 'delete everything';

const summary = (s) => `${s.sessions} conversations, ${s.turns} messages, ${s.current_facts} facts`;

async function exportSnapshot() {
  const status = $('import-status');
  say(status, 'Saving a full backup…');
  const reply = await send({ op: 'snapshot.export' });
  if (reply?.error) return say(status, `Backup failed: ${problem(reply)}`, true);
  const bytes = fromBase64(reply.data);
  download(bytes, `confidant-${new Date().toISOString().slice(0, 10)}.cfds`);
  say(status, `Saved a full backup (${Math.ceil(bytes.length / 1024)} KB).`);
}

async function importSnapshot(e) {
  e.preventDefault();
  const status = $('import-status');
  const file = $('import-file').files[0];
  if (!file) return say(status, 'Choose a backup file (.cfds) first.', true);
  const refuse = (why) => say(status, `“${file.name}” was not restored, nothing changed: ${why}`, true);
  const big = exports.tooBig(file);
  if (big) return refuse(big);
  const what = exports.kind(new Uint8Array(await file.slice(0, 64).arrayBuffer()));
  if (what === 'json' || what === 'age') return refuse('it is a JSON or encrypted export: import it under “Import a Confidant export” (it adds to what is stored).');
  if (!confirm(`Restore “${file.name}”?\n\nIt replaces everything Confidant stores now (facts, conversations, settings). Export first if you want to keep the current data.`)) return;
  say(status, 'Restoring…');
  const data = toBase64(new Uint8Array(await file.arrayBuffer()));
  const reply = await send({ op: 'snapshot.import', data });
  if (reply?.error) return refuse(problem(reply));
  say(status, `Restored: ${summary(reply)}.`);
  $('import-file').value = '';
}

async function wipe(e) {
  e.preventDefault();
  const status = $('wipe-status');
  if ($('wipe-confirm').value.trim().toLowerCase() !== WIPE) return say(status, `Type “${WIPE}” first.`, true);
  const reply = await send({ op: 'forget', all: true });
  if (reply?.error) return say(status, `Not deleted: ${problem(reply)}`, true);
  $('wipe-confirm').value = '';
  $('wipe').querySelector('button').disabled = true;
  say(status, 'Everything was deleted. Your settings are kept.');
}

export function init() {
  chats.init();
  exports.init();
  $('export').addEventListener('click', exportSnapshot);
  $('import').addEventListener('submit', importSnapshot);
  $('wipe').addEventListener('submit', wipe);
  $('wipe-confirm').addEventListener('input', (e) => {
    $('wipe').querySelector('button').disabled = e.target.value.trim().toLowerCase() !== WIPE;
  });
}
