// The shipped manifest asks for nothing it does not use and never runs in incognito.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILT } from './helpers.mjs';

test('manifest: only activeTab, not allowed in incognito, no external surface', async () => {
  const m = JSON.parse(await readFile(join(BUILT, 'manifest.json'), 'utf8'));
  // activeTab: the popup reads the current tab's URL (for its site switch) after the user clicks the
  // toolbar button, nothing broader. IndexedDB needs no permission; chrome.storage is never used.
  assert.deepEqual(m.permissions ?? [], ['activeTab'], 'only activeTab');
  assert.equal(m.host_permissions, undefined, 'no host permissions');
  assert.equal(m.action?.default_popup, 'ui/popup.html');
  assert.equal(m.options_ui?.page, 'ui/manager.html');
  assert.equal(m.incognito, 'not_allowed');
  assert.equal(m.externally_connectable, undefined);
  assert.equal(m.web_accessible_resources, undefined);
});
