// site-fixtures.mjs — what the browser tests know about the chat sites'
// fixtures (testdata/sites/<site>): the https host each is served as, its
// composer and send button, the endpoint its page posts a prompt to (or the
// paths, where that changes) and where the prompt sits in the body; and the
// prompts the site tests type. Shared by sites.test.mjs (Chromium) and
// firefox.test.mjs.
export const FACT = 'I adopted a greyhound named Comet';
export const NEEDS = 'what should I feed Comet?';
export const UNRELATED = 'explain TCP congestion control';
export const MARKER = '[confidant:memory]';

export const FIXTURES = {
  chatgpt: {
    host: 'chatgpt.com',
    composer: '#prompt-textarea',
    send: '#composer-submit-button',
    endpoint: '/backend-api/f/conversation',
    prompt: (body) => JSON.parse(body).messages.at(-1).content.parts[0],
  },
  claude: {
    host: 'claude.ai',
    composer: '[data-testid="chat-input"]',
    send: 'button[aria-label="Send message"]',
    endpoint: '/api/organizations/3f1c2b9e-0000-4000-8000-00000000a11c/chat_conversations/7d0e6a54-0000-4000-8000-0000000c1a0d/completion',
    prompt: (body) => JSON.parse(body).prompt,
  },
  perplexity: {
    host: 'www.perplexity.ai',
    composer: '#ask-input',
    send: 'button[data-testid="submit-button"]',
    endpoint: '/rest/sse/perplexity_ask',
    prompt: (body) => JSON.parse(body).query_str,
  },
  deepseek: {
    host: 'chat.deepseek.com',
    composer: 'textarea',
    send: '._7436101',
    endpoint: '/api/v0/chat/completion',
    prompt: (body) => JSON.parse(body).prompt,
  },
  grok: {
    host: 'grok.com',
    composer: 'div.ProseMirror[role="textbox"]',
    send: 'button[data-testid="chat-submit"]',
    endpoint: '/rest/app-chat/conversations/new',
    // The first prompt starts a conversation; later ones go to its /responses.
    paths: ['/rest/app-chat/conversations/new', '/rest/app-chat/conversations/9a2e4c10-0000-4000-8000-000000000a0c/responses'],
    prompt: (body) => JSON.parse(body).message,
  },
  gemini: {
    host: 'gemini.google.com',
    composer: 'rich-textarea .ql-editor',
    send: 'button.send-button',
    endpoint: '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate',
    // Not JSON: the urlencoded form the site sends.
    prompt: (body) => JSON.parse(JSON.parse(new URLSearchParams(body).get('f.req'))[1])[0][0],
  },
};

/**
 * posted returns, in order, the prompts the fixture server received at a
 * fixture's endpoint (or paths); f is a FIXTURES entry or anything with the
 * same endpoint, paths and prompt.
 */
export const posted = (f, server) =>
  server.posts.filter((p) => (f.paths ?? [f.endpoint]).includes(p.path)).map((p) => f.prompt(p.body));
