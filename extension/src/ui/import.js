// import.js — the Data section's "Import from ChatGPT or Claude": a data
// export (.zip, or the conversations.json inside it) or a memories list
// (.txt) is read here in ~1 MiB chunks (zip.js for archives) and fed to the
// engine's staged import (wasm/ops.go: import.begin / feed / end / cancel)
// through the service worker. Nothing changes until import.end applies it
// all at once (the worker then saves a full snapshot before answering); a
// refused file, Cancel, or a worker restart mid-way leaves everything as it was.
import { say, toBase64 } from './api.js';
import { ZipError, isZip, entries, find, open, explain, MAX_BYTES } from './zip.js';

export const CHUNK = 1 << 20;
const $ = (id) => document.getElementById(id);
const LABELS = { chatgpt: 'ChatGPT export', claude: 'Claude export', memories: 'memories list' };

class Refused extends Error {}      // the file: one readable reason
class Failed extends Error {}       // anything else; nothing changed
class Interrupted extends Error {}  // the worker restarted: the staged import is gone
class Lost extends Error {}         // the connection dropped during import.end: outcome unknown
class Cancelled extends Error {}

let job = null;                     // {id, cancelled} while an import runs

// call sends one op; a dropped connection (the worker stopped) is {lost}.
async function call(request) {
  try {
    return (await chrome.runtime.sendMessage({ kind: 'op', request })) ?? { lost: 'no reply' };
  } catch (e) {
    return { lost: String(e?.message ?? e) };
  }
}

// chunks yields a stream's bytes in pieces of CHUNK bytes (the last may be shorter).
async function* chunks(stream) {
  const reader = stream.getReader();
  let buf = new Uint8Array(CHUNK), n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let off = 0; off < value.length;) {
        const take = Math.min(CHUNK - n, value.length - off);
        buf.set(value.subarray(off, off + take), n);
        n += take;
        off += take;
        if (n === CHUNK) { yield buf; buf = new Uint8Array(CHUNK); n = 0; }
      }
    }
    if (n) yield buf.subarray(0, n);
  } finally {
    reader.cancel().catch(() => {});
  }
}

const size = (n) => (n < 1024 ** 2 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

// source opens what to feed: a zip's conversations.json, or the file itself.
async function source(file) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  if (!isZip(head) && !/\.zip$/i.test(file.name)) {
    if (file.size > MAX_BYTES) throw new Refused(`it is ${size(file.size)}; the limit is 2 GB`);
    return { name: file.name, total: file.size, stream: file.stream() };
  }
  try {
    const member = find(await entries(file), 'conversations.json');
    if (!member) throw new Refused('this zip has no conversations.json: pick the data export you downloaded from ChatGPT or Claude');
    return { name: member.name, total: member.size, stream: await open(file, member), zip: true };
  } catch (e) {
    throw e instanceof ZipError ? new Refused(e.message) : e;
  }
}

// detect names the format from the file name and its first bytes.
function detect(src, first) {
  if (!src.zip && /\.txt$/i.test(src.name)) return 'memories';
  const text = new TextDecoder().decode(first.subarray(0, 1 << 16));
  const s = text.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('[') || s.startsWith('{')) {
    const m = text.indexOf('"mapping"'), c = text.indexOf('"chat_messages"');
    if (m >= 0 && (c < 0 || m < c)) return 'chatgpt';
    if (c >= 0) return 'claude';
    if (/^\[\s*\]\s*$/.test(s)) return 'chatgpt';            // an empty export
    throw new Refused('Confidant could not tell whether it is a ChatGPT or a Claude export: choose the format and try again');
  }
  if (src.zip || /\.json$/i.test(src.name)) throw new Refused(`${src.name} is not JSON (it should start with “[”)`);
  if (/[\u0000\uFFFD]/.test(text)) throw new Refused('it is not a ChatGPT or Claude export (.zip or conversations.json) nor a text list of memories (.txt)');
  return 'memories';
}

// check turns an error reply into the error to show.
function check(reply, ending) {
  if (reply.lost) return ending ? new Lost(reply.lost) : new Interrupted(reply.lost);
  if (!reply.error) return null;
  const { code, message } = reply.error;
  if (code === 'not_found') return new Interrupted(message);
  if (code === 'invalid' || code === 'too_large') return new Refused(message);
  return new Failed(message || code);
}

// progress updates the bar at every chunk and its text (a live region) at
// most every ANNOUNCE_MS, so that a screen reader is not flooded.
const ANNOUNCE_MS = 1500;
let announced = -Infinity;
function progress(read, total, tot, final = false) {
  const pct = total ? Math.min(100, Math.floor((read / total) * 100)) : 0;
  const text = `${size(read)} of ${size(total)} read · ${tot.sessions} conversations, ${tot.turns} messages, ${tot.facts} facts${final ? '' : ' so far'}`
    + (tot.duplicates ? ` (${tot.duplicates} already stored)` : '');
  const bar = $('chat-import-bar');
  bar.setAttribute('aria-valuenow', String(pct));
  bar.setAttribute('aria-valuetext', `${pct}%: ${text}`);
  bar.firstElementChild.style.width = `${pct}%`;
  if (!final && performance.now() - announced < ANNOUNCE_MS) return;
  announced = performance.now();
  $('chat-import-count').textContent = text;
}

async function run(file, choice) {
  const src = await source(file);
  const it = chunks(src.stream);
  const read = async () => {
    try {
      return await it.next();
    } catch (e) {
      const z = explain(e, src.name);
      throw z instanceof ZipError ? new Refused(z.message) : z;
    }
  };
  let next = await read();
  if (next.done) throw new Refused('it is empty');
  const format = choice || detect(src, next.value);
  const begin = await call({ op: 'import.begin', format });
  if (begin.lost || begin.error) throw new Failed(begin.lost ?? begin.error.message);
  job.id = begin.import;
  let done = 0, tot = { sessions: 0, turns: 0, facts: 0, duplicates: 0 };
  announced = -Infinity;
  progress(0, src.total, tot);
  while (!next.done) {
    if (job.cancelled) throw new Cancelled();
    const reply = await call({ op: 'import.feed', import: job.id, data: toBase64(next.value) });
    const err = check(reply, false);
    if (err) { job.id = null; throw err; }      // the engine dropped it (or the worker is gone)
    done += next.value.length;
    tot = reply;
    progress(done, src.total, tot);
    next = await read();
  }
  if (job.cancelled) throw new Cancelled();
  $('chat-import-cancel').disabled = true;
  say($('chat-import-status'), 'Saving…');
  const end = await call({ op: 'import.end', import: job.id });
  job.id = null;
  const err = check(end, true);
  if (err) throw err;
  progress(src.total, src.total, end, true);
  return { format, tot: end };
}

function summary({ format, tot }) {
  return `Imported the ${LABELS[format]}: ${tot.sessions} conversations, ${tot.turns} messages and ${tot.facts} facts added; `
    + `${tot.duplicates} duplicates skipped.${tot.redacted ? ` ${tot.redacted} messages had a secret removed.` : ''}`;
}

function explainError(e, name) {
  if (e instanceof Cancelled) return 'Import cancelled, nothing changed.';
  if (e instanceof Refused) return `“${name}” was not imported, nothing changed: ${e.message}`;
  if (e instanceof Interrupted) return 'The import was interrupted (Confidant\'s background worker restarted), nothing changed: start again.';
  if (e instanceof Lost) return 'The connection was lost while the import was being saved: it was applied in full or not at all. Check Conversations; importing the same file again never adds anything twice.';
  return `The import failed, nothing changed: ${e?.message ?? e}`;
}

async function start(e) {
  e.preventDefault();
  const status = $('chat-import-status');
  const file = $('chat-import-file').files[0];
  if (!file) return say(status, 'Choose a file first.', true);
  if (job) return;
  job = { id: null, cancelled: false };
  const form = $('chat-import');
  for (const c of form.querySelectorAll('input, select, button[type=submit]')) c.disabled = true;
  $('chat-import-cancel').disabled = false;
  $('chat-import-cancel').hidden = false;
  $('chat-import-count').textContent = '';
  $('chat-import-progress').hidden = false;
  say(status, `Importing “${file.name}”…`);
  $('chat-import-cancel').focus();
  let ok = false;
  try {
    say(status, summary(await run(file, $('chat-import-format').value)));
    $('chat-import-file').value = '';
    ok = true;
  } catch (err) {
    say(status, explainError(err, file.name), !(err instanceof Cancelled));
    if (!(err instanceof Refused || err instanceof Cancelled || err instanceof Interrupted || err instanceof Lost || err instanceof Failed)) console.error(err);
  } finally {
    if (job.id !== null) await call({ op: 'import.cancel', import: job.id });
    job = null;
    for (const c of form.querySelectorAll('input, select, button[type=submit]')) c.disabled = false;
    $('chat-import-progress').hidden = !ok;         // on success it stays, full, as the summary's companion
    $('chat-import-cancel').hidden = ok;
    $('chat-import-file').focus();
  }
}

export function init() {
  $('chat-import').addEventListener('submit', start);
  $('chat-import-cancel').addEventListener('click', () => {
    if (!job) return;
    job.cancelled = true;
    $('chat-import-cancel').disabled = true;
    say($('chat-import-status'), 'Cancelling…');
  });
  // Leaving the page mid-import drops the staged import in the worker.
  addEventListener('pagehide', () => { if (job?.id != null) call({ op: 'import.cancel', import: job.id }); });
}
