// sw.js — the service worker entry. Listeners are registered synchronously
// at the top level (MV3 delivers the waking event only to listeners present
// after the first run); work waits on the Service's ready promise.
import { route } from './router.js';
import { Service } from './service.js';

const service = new Service(chrome.runtime);

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const { refusal, request } = route(message, sender, chrome.runtime);
  if (refusal) {
    sendResponse(refusal);
    return false;
  }
  service.run(request).then(sendResponse, (e) =>
    sendResponse({ error: { code: 'internal', message: String(e?.message ?? e) } }));
  return true;
});
