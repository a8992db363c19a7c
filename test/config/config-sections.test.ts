import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/core/index.js';
import { resolveChatOptions } from '../../src/server/options/chat-options.js';
import { resolveHttpOptions } from '../../src/server/options/http-options.js';

const full = `
mf:
  checkpoint_path: routellm/mf_gpt4_augmented
models:
  strong: gpt-4o
  weak: groq/llama-3.1-8b-instant
providers:
  local:
    base_url: http://127.0.0.1:8000/v1
    api_key_env: LOCAL_KEY
prices:
  gpt-4o: { input: 2.5, output: 10 }
server:
  host: 0.0.0.0
  port: \${PORT:-8000}
  auth_keys: \${ROUTELLM_KEYS}
  fallback: false
  timeout: 30
  ttfb_timeout: 2.5
  max_concurrency: 8
  max_queue: \${QUEUE:-16}
  headers_timeout: 5
  log_prompts: true
`;

describe('config file: models, providers, prices and server sections', () => {
  it('reads models, providers, prices and server settings beside the routers', () => {
    const config = parseConfig(full, 'c.yaml', { ROUTELLM_KEYS: 'k1,k2' });
    expect(Object.keys(config.routers)).toEqual(['mf']);
    const { models, providers, prices, server } = config;
    expect({ models, providers, prices, server }).toEqual({
      models: { strong: 'gpt-4o', weak: 'groq/llama-3.1-8b-instant' },
      providers: { local: { baseUrl: 'http://127.0.0.1:8000/v1', apiKeyEnv: 'LOCAL_KEY' } },
      prices: { 'gpt-4o': { input: 2.5, output: 10 } },
      server: {
        host: '0.0.0.0',
        port: 8000,
        authKeys: ['k1', 'k2'],
        fallback: false,
        timeoutMs: 30_000,
        ttfbTimeoutMs: 2_500,
        maxConcurrency: 8,
        maxQueue: 16,
        headersTimeoutMs: 5_000,
        logPrompts: true,
      },
    });
  });

  it('resolves flag -> environment -> file -> default', () => {
    const config = parseConfig(full, 'c.yaml', { ROUTELLM_KEYS: 'k1' });
    const fromFile = { ...resolveChatOptions({}, config), ...resolveHttpOptions({}, {}, config) };
    expect(fromFile).toMatchObject({ authKeys: ['k1'], fallback: false, timeoutMs: 30_000, ttfbTimeoutMs: 2_500, maxConcurrency: 8, maxQueue: 16, logPrompts: true, prices: { 'gpt-4o': { input: 2.5, output: 10 } } });
    expect(fromFile.limits.headersTimeoutMs).toBe(5_000);
    const fromFlags = { ...resolveChatOptions({ fallback: true, timeout: 1, maxConcurrency: 2 }, config), ...resolveHttpOptions({ authKey: ['f'] }, { ROUTELLM_AUTH_KEYS: 'e' }, config) };
    expect(fromFlags).toMatchObject({ authKeys: ['f'], fallback: true, timeoutMs: 1_000, maxConcurrency: 2 });
    expect(resolveHttpOptions({}, { ROUTELLM_AUTH_KEYS: 'e' }, config).authKeys).toEqual(['e']);
    const defaults = { ...resolveChatOptions({}, {}), ...resolveHttpOptions({}, {}, {}) };
    expect(defaults).toMatchObject({ authKeys: [], fallback: true, timeoutMs: 540_000, deadlineMs: 540_000, ttfbTimeoutMs: 60_000, logPrompts: false });
    // The default timeout follows the deadline, whichever way the deadline is given.
    expect(resolveChatOptions({ deadline: 100 }, {}).timeoutMs).toBe(100_000);
    expect(resolveChatOptions({}, parseConfig('server:\n  deadline: 60\n', 'c.yaml', {})).timeoutMs).toBe(60_000);
  });

  it('refuses a setting out of range given in code, naming it (the Controller takes the flags as options)', () => {
    expect(() => resolveChatOptions({ timeout: 0 }, {})).toThrow('timeout must be a number of seconds above 0');
    expect(() => resolveChatOptions({ maxConcurrency: 1.5 }, {})).toThrow('maxConcurrency must be an integer of 1 or more');
    expect(() => resolveChatOptions({ degradedShare: 1 }, {})).toThrow('degradedShare must be a share from 0 to below 1');
    expect(() => resolveChatOptions({ deadline: 90_000 }, {})).toThrow(ConfigError);
  });

  it.each([
    ['server: 3\n', 'c.yaml: server must be a mapping'],
    ['server:\n  timeout: -1\n', 'c.yaml: server.timeout must be a number of seconds'],
    ['server:\n  timeout: soon\n', 'c.yaml: server.timeout must be a number of seconds'],
    ['server:\n  max_concurrency: 1.5\n', 'c.yaml: server.max_concurrency must be an integer'],
    ['server:\n  fallback: maybe\n', 'c.yaml: server.fallback must be true or false'],
    ['server:\n  auth_keys: [1, 2]\n', 'c.yaml: server.auth_keys must be a list of strings'],
    ['server:\n  colour: blue\n', 'c.yaml: server.colour is not a known key'],
    ['server:\n  port: 70000\n', 'c.yaml: server.port must be an integer from 0 to 65535'],
    ['server:\n  port: http\n', 'c.yaml: server.port must be an integer from 0 to 65535'],
    ['server:\n  host: ""\n', 'c.yaml: server.host must be a non-empty string'],
    ['models:\n  strong: 5\n', 'c.yaml: models.strong must be a non-empty string'],
    ['models:\n  medium: x\n', 'c.yaml: models.medium is not a known key'],
    ['providers:\n  p:\n    base_url: ftp://x\n', 'c.yaml: providers.p.base_url must be an http(s) URL'],
    ['providers:\n  p:\n    base_url: http://x\n    api_key_env: sk-abc-123\n', 'c.yaml: providers.p.api_key_env must be the name of an environment variable'],
    ['prices:\n  m: { input: x, output: 1 }\n', 'c.yaml: prices.m.input must be a non-negative number'],
    ['server:\n  auth_keys: ${NOT_SET}\n', 'c.yaml: server.auth_keys: environment variable NOT_SET is not set'],
  ])('rejects %j with one ConfigError naming the key', (text, message) => {
    expect(() => parseConfig(text, 'c.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig(text, 'c.yaml', {})).toThrow(message);
  });
});
