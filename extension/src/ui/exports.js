// exports.js — the Data section's open formats (docs/formats.md): export as
// JSON, Markdown or an age file sealed with a passphrase (engine ops
// export.json / export.markdown / export.age), and import a JSON or age
// export, which MERGES into what is stored (import.json / import.age: records
// the store lacks are added, the ones it holds are kept; a refused file
// changes nothing). The worker saves an applied import before answering
// (store.js). A passphrase lives only in its input and the one request that
// uses it: it is never stored.
//
// Records of the file that were deleted here after the file was made stay
// deleted (the merge goes by sync stamps): the reply counts them
// (deleted_since) and the status says so, with a "Bring back N deleted
// items" button that imports the same file again with restore_deleted. For
// that button the page keeps the file's bytes — and, for an age file, its
// passphrase — in memory only (this module's `again`), until the button is
// used, another file is imported, or the page is closed; nothing of it is
// stored, so the user does not have to pick the file and type the
// passphrase a second time.
import { send, say, problem, toBase64, fromBase64, download } from './api.js';

const $ = (id) => document.getElementById(id);
const AGE = 'age-encryption.org/v1';

/**
 * A file travels base64 in one message (4/3 of its size) and the engine takes
 * at most 64 MiB of request (wasm/ops.go MaxRequestBytes): 47 MiB of file.
 * Checked before the file is read.
 */
export const MAX_FILE = 47 << 20;
export const MIN_PASS = 8;

const size = (n) => (n < 1024 ** 2 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);
const today = () => new Date().toISOString().slice(0, 10);

/** tooBig explains a file over the cap, or returns ''. */
export const tooBig = (file) => (file.size > MAX_FILE ? `it is ${size(file.size)}; the limit is ${MAX_FILE >> 20} MB` : '');

/**
 * kind names a file from its first bytes: 'age' (the age header), 'json' (a
 * JSON object), 'chats' (a JSON array: a ChatGPT or Claude export),
 * 'snapshot' (a .cfds backup) or '' (none of these).
 */
export function kind(head) {
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '');
  if (text.startsWith(AGE)) return 'age';
  if (text.startsWith('CFDS')) return 'snapshot';
  const s = text.trimStart();
  if (s.startsWith('{')) return 'json';
  if (s.startsWith('[')) return 'chats';
  return '';
}
const head = async (file) => new Uint8Array(await file.slice(0, 64).arrayBuffer());

/** strength rates a passphrase: {ok, text} (a rough estimate of its guessability). */
export function strength(p) {
  if (!p) return { ok: false, text: `At least ${MIN_PASS} characters; a few unrelated words are best.` };
  if ([...p].length < MIN_PASS) return { ok: false, text: `Too short: at least ${MIN_PASS} characters.` };
  const pool = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9\s]/, /\s/].reduce((n, re, i) => n + (re.test(p) ? [26, 26, 10, 33, 1][i] : 0), 0);
  const distinct = new Set(p.toLowerCase()).size;
  const bits = Math.min([...p].length, distinct * 2) * Math.log2(Math.max(pool, 2));
  if (bits < 45) return { ok: true, text: 'Weak: easy to guess. Make it longer (several unrelated words).' };
  if (bits < 70) return { ok: true, text: 'Fair. Longer is safer.' };
  return { ok: true, text: 'Strong.' };
}

async function exportAs(op, name, type, status) {
  say(status, 'Exporting…');
  const reply = await send({ op });
  if (reply?.error) return say(status, `Export failed: ${problem(reply)}`, true);
  const data = op === 'export.markdown' ? reply.text : fromBase64(reply.data);
  download(data, name, type);
  const n = op === 'export.markdown' ? new Blob([data]).size : data.length;
  say(status, `Exported ${name} (${size(n)}).`);
}

async function exportAge(e) {
  e.preventDefault();
  const status = $('export-status'), pass = $('age-pass'), again = $('age-pass2');
  const s = strength(pass.value);
  if (!s.ok) { say(status, `Not exported: ${s.text}`, true); return pass.focus(); }
  if (pass.value !== again.value) { say(status, 'Not exported: the two passphrases differ.', true); return again.focus(); }
  const button = $('export-age').querySelector('button[type=submit]');
  button.disabled = true;
  say(status, 'Encrypting… (this takes a few seconds)');
  try {
    const reply = await send({ op: 'export.age', passphrase: pass.value });
    if (reply?.error) return say(status, `Export failed: ${problem(reply)}`, true);
    const bytes = fromBase64(reply.data);
    const name = `confidant-${today()}.age`;
    download(bytes, name);
    pass.value = again.value = '';
    $('age-strength').textContent = strength('').text;
    say(status, `Exported ${name} (${size(bytes.length)}), encrypted. Keep the passphrase safe: without it the file cannot be opened.`);
  } finally {
    button.disabled = false;
  }
}

// showPass shows the passphrase field when the chosen file is an age file.
async function showPass() {
  const file = $('merge-file').files[0];
  const age = !!file && (await head(file).then(kind, () => '')) === 'age';
  $('merge-pass-field').hidden = !age;
  if (!age) $('merge-pass').value = '';
  say($('merge-status'), age ? 'This file is encrypted: enter its passphrase.' : '');
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const total = (k) => (k ? k.sessions + k.turns + k.facts : 0);
/** kinds says {sessions, turns, facts} in words, leaving out the zeros. */
const kinds = (k) => [[k.sessions, 'conversation', 'conversations'], [k.turns, 'message', 'messages'], [k.facts, 'fact', 'facts']]
  .filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many)).join(', ');

function added(r) {
  const parts = [`${r.sessions} conversations, ${r.turns} messages and ${r.facts} facts added`];
  if (total(r.restored)) parts.push(`${plural(total(r.restored), 'deleted item', 'deleted items')} brought back (${kinds(r.restored)})`);
  if (r.updated) parts.push(`${r.updated} updated to the file's newer version`);
  if (r.deleted) parts.push(`${r.deleted} removed as the file says they were deleted`);
  if (r.duplicates) parts.push(`${r.duplicates} skipped: already here, or changed here after the file was written`);
  const gone = total(r.deleted_since);
  if (gone) parts.push(`${gone === 1 ? '1 item in this file was' : `${gone} items in this file were`} deleted here after it was made (${kinds(r.deleted_since)}), so ${gone === 1 ? 'it was' : 'they were'} not added`);
  const s = r.stats;
  return `${parts.join('; ')}.${r.settings ? ' Settings taken from the file.' : ''}`
    + (s ? ` Now stored: ${s.sessions} conversations, ${s.turns} messages, ${s.current_facts} facts.` : '');
}

// again is what the "Bring back" button re-imports: {name, request} of the
// last import that found deleted items (see the top of this file).
let again = null;

function offerRestore(name, request, reply) {
  const n = total(reply.deleted_since);
  again = n ? { name, request } : null;
  const button = $('merge-restore');
  button.hidden = !n;
  if (n) button.textContent = `Bring back ${plural(n, 'deleted item', 'deleted items')}`;
}

async function restoreDeleted() {
  const status = $('merge-status'), button = $('merge-restore');
  if (!again) return;
  const { name, request } = again;
  button.disabled = true;
  say(status, 'Bringing the deleted items back…');
  try {
    const reply = await send({ ...request, restore_deleted: true });
    if (reply?.error) return say(status, `“${name}”: nothing was brought back, nothing changed: ${problem(reply)}`, true);
    again = null;
    button.hidden = true;
    say(status, `Imported “${name}”: ${added(reply)}`);
  } finally {
    button.disabled = false;
  }
}

async function merge(e) {
  e.preventDefault();
  const status = $('merge-status'), pass = $('merge-pass');
  const file = $('merge-file').files[0];
  if (!file) return say(status, 'Choose an export file (.json or .age) first.', true);
  const refuse = (why) => say(status, `“${file.name}” was not imported, nothing changed: ${why}`, true);
  const big = tooBig(file);
  if (big) return refuse(big);
  if (!file.size) return refuse('it is empty.');
  const what = kind(await head(file));
  if (what === 'snapshot') return refuse('it is a full backup (.cfds): restore it under “Full backup”, which replaces everything.');
  if (what === 'chats') return refuse('it looks like a ChatGPT or Claude export: use “Import from ChatGPT or Claude”.');
  if (!what) return refuse('it is not a Confidant export (a JSON file starting with “{” or an encrypted .age file).');
  if (what === 'age' && !pass.value) {
    $('merge-pass-field').hidden = false;
    pass.focus();
    return say(status, 'This file is encrypted: enter its passphrase.', true);
  }
  const button = $('merge').querySelector('button[type=submit]');
  button.disabled = true;
  again = null;
  $('merge-restore').hidden = true;
  say(status, what === 'age' ? 'Decrypting and importing… (this takes a few seconds)' : 'Importing…');
  try {
    const data = toBase64(new Uint8Array(await file.arrayBuffer()));
    const request = what === 'age' ? { op: 'import.age', data, passphrase: pass.value } : { op: 'import.json', data };
    const reply = await send(request);
    if (reply?.error) {
      const msg = problem(reply);
      if (what === 'age' && /^wrong passphrase/i.test(msg)) {
        pass.value = '';
        pass.focus();
        return refuse('wrong passphrase. Check it and try again.');
      }
      return refuse(msg);
    }
    pass.value = '';
    $('merge-file').value = '';
    $('merge-pass-field').hidden = true;
    say(status, `Imported “${file.name}”: ${added(reply)}`);
    offerRestore(file.name, request, reply);
  } finally {
    button.disabled = false;
  }
}

export function init() {
  const status = $('export-status');
  $('export-json').addEventListener('click', () => exportAs('export.json', `confidant-${today()}.json`, 'application/json', status));
  $('export-md').addEventListener('click', () => exportAs('export.markdown', `confidant-${today()}.md`, 'text/markdown;charset=utf-8', status));
  $('export-age').addEventListener('submit', exportAge);
  $('age-pass').addEventListener('input', (e) => { $('age-strength').textContent = strength(e.target.value).text; });
  $('merge-file').addEventListener('change', showPass);
  $('merge').addEventListener('submit', merge);
  $('merge-restore').addEventListener('click', restoreDeleted);
}
