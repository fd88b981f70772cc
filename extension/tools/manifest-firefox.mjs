#!/usr/bin/env node
// manifest-firefox.mjs — derives the Firefox manifest from extension/manifest.json
// (the Chrome one, the source of truth) at build time.
//   node extension/tools/manifest-firefox.mjs <in manifest.json> <out manifest.json>
// Differences:
//  - Firefox MV3 runs the background as an event page, not a service worker:
//    background.service_worker becomes background.scripts (type stays "module").
//  - browser_specific_settings.gecko: an add-on id (required for MV3 signing and
//    for storage to survive reinstall); data_collection_permissions declares
//    that nothing is collected (everything stays on the device). That key
//    needs Firefox 140 (ESR) / Firefox for Android 142, so those are the
//    strict_min_versions (MV3 came in 109, world "MAIN" content scripts in 128;
//    web-ext lint warns if the minimum predates a key).
//  - minimum_chrome_version is Chrome-only and is dropped.
import { readFileSync, writeFileSync } from 'node:fs';

export const GECKO_ID = 'confidant@confidant.dev';
export const GECKO_MIN = '140.0';
export const GECKO_ANDROID_MIN = '142.0';

export function firefoxManifest(chrome) {
  const m = structuredClone(chrome);
  if (m.background?.service_worker) {
    const { service_worker, ...rest } = m.background;
    m.background = { ...rest, scripts: [service_worker] };
  }
  delete m.minimum_chrome_version;
  m.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: GECKO_MIN,
      // Firefox's built-in data consent: nothing leaves the device.
      data_collection_permissions: { required: ['none'] },
    },
    gecko_android: { strict_min_version: GECKO_ANDROID_MIN },
  };
  return m;
}

if (process.argv[1] && import.meta.url === new URL('file://' + process.argv[1]).href) {
  const [src, dst] = process.argv.slice(2);
  if (!src || !dst) {
    console.error('usage: manifest-firefox.mjs <in manifest.json> <out manifest.json>');
    process.exit(2);
  }
  const out = firefoxManifest(JSON.parse(readFileSync(src, 'utf8')));
  writeFileSync(dst, JSON.stringify(out, null, 2) + '\n');
}
