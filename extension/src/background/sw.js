// sw.js — the service worker entry. Listeners are registered synchronously
// at the top level (MV3 delivers the waking event only to listeners present
// after the first run); work waits on the Service's ready promise.
import { route } from './router.js';
import { Service } from './service.js';

const service = new Service(chrome.runtime);

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handle(message, sender).then(sendResponse, (e) =>
    sendResponse({ error: { code: 'internal', message: String(e?.message ?? e) } }));
  return true;
});

// A closed tab's injection record goes with it (the popup's "given to the
// assistant in this tab"). Tab ids need no permission.
chrome.tabs?.onRemoved?.addListener((tabId) => {
  service.prefs.then((prefs) => prefs.dropTab(tabId))
    .catch((e) => console.error('confidant: dropping a closed tab\'s record failed', e));
});

async function handle(message, sender) {
  const routed = await route(message, sender, chrome.runtime, await service.allows());
  if (routed.refusal) return routed.refusal;
  if (routed.reply) return routed.reply;
  const reply = await service.run(routed.request);
  const shaped = routed.reshape ? routed.reshape(reply) : reply;
  if (routed.tab !== undefined && shaped.items?.length) {
    // What a tab was given, for the popup's "injected in this chat" view.
    (await service.prefs).record(routed.tab, routed.site, shaped.items)
      .catch((e) => console.error('confidant: injection record failed', e));
  }
  return shaped;
}
