// schema.js — the content messages' shapes and the field checkers behind them
// (see router.js for who may send them). Every checker returns an error
// message or null; check() refuses unknown fields and missing required ones.

export const MAX_TEXT_BYTES = 64 << 10;
export const MAX_EXCLUDE = 32;
const MAX_ID = 256;
const encoder = new TextEncoder();

export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const str = (max, { bytes = false, min = 1, colon = true } = {}) => (v) => {
  if (typeof v !== 'string') return 'must be a string';
  const n = bytes ? encoder.encode(v).length : v.length;
  if (n < min) return 'must not be empty';
  if (n > max) return `must be at most ${max} ${bytes ? 'bytes' : 'characters'}`;
  if (!colon && v.includes(':')) return 'must not contain ":"';
  return null;
};
const oneOf = (...values) => (v) => (values.includes(v) ? null : `must be one of ${values.join(', ')}`);
const isoTime = (v) => (typeof v === 'string' && v.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)) ? null : 'must be an RFC 3339 time');
/** siteId checks a site (a host name as the sender's URL gives it). */
export const siteId = (v) => (typeof v === 'string' && /^[a-z0-9][a-z0-9.-]{0,62}$/.test(v) ? null : 'must be a site id (lowercase letters, digits, dots, dashes; at most 63)');
const optional = (fn) => Object.assign((v) => fn(v), { optional: true });
const shape = (fields) => (v) => (isObject(v) ? check(v, fields) : 'must be an object');

/** check returns the first problem of obj against fields (all required unless optional, no others). */
export function check(obj, fields, path = '') {
  for (const key of Object.keys(obj)) if (!(key in fields)) return `${path}${key}: unknown field`;
  for (const [key, fn] of Object.entries(fields)) {
    if (!(key in obj)) {
      if (fn.optional) continue;
      return `${path}${key}: missing`;
    }
    const problem = fn(obj[key]);
    if (problem) return `${path}${key}: ${problem}`;
  }
  return null;
}

const id = str(MAX_ID, { colon: false });   // ids are joined with ":" by the router
const text = str(MAX_TEXT_BYTES, { bytes: true });
const KEY = /^[0-9a-f]{16}$/;
const keys = (v) => {
  if (!Array.isArray(v)) return 'must be an array of item keys';
  if (v.length > MAX_EXCLUDE) return `must list at most ${MAX_EXCLUDE} keys`;
  return v.every((k) => typeof k === 'string' && KEY.test(k)) ? null : 'must hold item keys (16 lowercase hex digits)';
};
const kind = () => null;

/** The content kinds and their fields (an optional "site" is checked and ignored: the site is the sender's). */
export const CONTENT = Object.freeze({
  state: { kind, site: optional(siteId) },
  capture: {
    kind, site: optional(siteId), session: id,
    turn: shape({ id, role: oneOf('user', 'assistant'), text, time: isoTime }),
  },
  submit: { kind, site: optional(siteId), text },
  context: { kind, site: optional(siteId), text, exclude: optional(keys) },
  preview: { kind, site: optional(siteId), text, typed: oneOf(true), exclude: optional(keys) },
});

/** The privileged message: {kind: "op", request: {op, ...}}. */
export const OP = Object.freeze({ kind, request: (r) => (isObject(r) && typeof r.op === 'string' && r.op ? null : 'must be an object with a string "op"') });
