// The shipped manifest asks for nothing it does not use and never runs in incognito.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILT } from './helpers.mjs';

test('manifest: activeTab and scripting, host access only when asked, not allowed in incognito, no external surface', async () => {
  const m = JSON.parse(await readFile(join(BUILT, 'manifest.json'), 'utf8'));
  // activeTab: the popup reads the current tab's URL (for its site switch) after the user clicks the
  // toolbar button, nothing broader. IndexedDB needs no permission; chrome.storage is never used.
  // scripting: the generic adapter's content scripts are registered for a site only after the user
  // turns it on and grants that one host (optional_host_permissions: asked at that moment).
  assert.deepEqual(m.permissions ?? [], ['activeTab', 'scripting'], 'only activeTab and scripting');
  assert.equal(m.host_permissions, undefined, 'no host permissions at install');
  // Other sites only on request, and over https only but for this computer (local model servers).
  assert.deepEqual(m.optional_host_permissions, ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*'], 'other sites only on request, https but for loopback');
  assert.equal(m.action?.default_popup, 'ui/popup.html');
  assert.equal(m.options_ui?.page, 'ui/manager.html');
  assert.equal(m.incognito, 'not_allowed');
  assert.equal(m.externally_connectable, undefined);
  assert.equal(m.web_accessible_resources, undefined);
});
