// The shipped manifest asks for nothing it does not use and never runs in incognito.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILT } from './helpers.mjs';

test('manifest: no permissions, not allowed in incognito, no external surface', async () => {
  const m = JSON.parse(await readFile(join(BUILT, 'manifest.json'), 'utf8'));
  assert.deepEqual(m.permissions ?? [], [], 'no permissions (IndexedDB needs none; chrome.storage is never used)');
  assert.equal(m.incognito, 'not_allowed');
  assert.equal(m.externally_connectable, undefined);
  assert.equal(m.web_accessible_resources, undefined);
});
