import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/index.js';
import { PROVIDERS, resolveUpstream } from '../../src/upstream/providers.js';

describe('resolveUpstream', () => {
  it('covers every provider the issue names', () => {
    const prefixes = PROVIDERS.map((provider) => provider.prefix);
    for (const prefix of ['openai', 'ollama', 'groq', 'together', 'openrouter', 'anyscale', 'fireworks', 'deepinfra', 'mistral', 'gemini']) {
      expect(prefixes).toContain(prefix);
    }
  });

  it('strips a known prefix and uses that provider URL and key variable', () => {
    const endpoint = resolveUpstream('groq/llama-3.1-8b-instant', {}, { GROQ_API_KEY: 'gk' });
    expect(endpoint).toEqual({
      model: 'groq/llama-3.1-8b-instant',
      upstreamModel: 'llama-3.1-8b-instant',
      provider: 'groq',
      baseURL: 'https://api.groq.com/openai/v1',
      apiKey: 'gk',
      chatURL: 'https://api.groq.com/openai/v1/chat/completions',
      modelsURL: 'https://api.groq.com/openai/v1/models',
      authHeaders: { authorization: 'Bearer gk' },
    });
  });

  it('keeps the rest of the name after the first slash (openrouter vendor/model)', () => {
    const endpoint = resolveUpstream('openrouter/anthropic/claude-3.5-sonnet', {}, { OPENROUTER_API_KEY: 'k' });
    expect(endpoint.upstreamModel).toBe('anthropic/claude-3.5-sonnet');
    expect(endpoint.baseURL).toBe('https://openrouter.ai/api/v1');
  });

  it('sends ollama models to localhost:11434 with no key needed', () => {
    const endpoint = resolveUpstream('ollama/llama3', {}, {});
    expect(endpoint.baseURL).toBe('http://localhost:11434/v1');
    expect(endpoint.apiKey).toBeUndefined();
    expect(endpoint.authHeaders).toEqual({});
  });

  it("uses Google's OpenAI-compatible endpoint for gemini/", () => {
    expect(resolveUpstream('gemini/gemini-2.0-flash', {}, { GEMINI_API_KEY: 'g' }).baseURL).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai',
    );
  });

  it('sends a bare name to OpenAI with OPENAI_API_KEY, name unchanged; openai/ keeps the rest of a vendor/model name', () => {
    expect(resolveUpstream('gpt-4o', {}, { OPENAI_API_KEY: 'sk' })).toMatchObject({ upstreamModel: 'gpt-4o', provider: 'openai', apiKey: 'sk' });
    expect(() => resolveUpstream('mistralai/Mixtral-8x7B', {}, { OPENAI_API_KEY: 'sk' })).toThrow(/provider prefix "mistralai\/"/);
    expect(resolveUpstream('openai/mistralai/Mixtral-8x7B', {}, { OPENAI_API_KEY: 'sk' }).upstreamModel).toBe('mistralai/Mixtral-8x7B');
    expect(resolveUpstream('gpt-4o', {}, { OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'http://proxy.local/v1/' }).baseURL).toBe('http://proxy.local/v1');
  });

  it('fails at start-up naming the missing key variable', () => {
    expect(() => resolveUpstream('together/meta-llama/Llama-3-8b', {}, {})).toThrow(ConfigError);
    expect(() => resolveUpstream('together/meta-llama/Llama-3-8b', {}, {})).toThrow(/TOGETHER_API_KEY \(or TOGETHERAI_API_KEY\) is not set/);
    expect(() => resolveUpstream('gpt-4o', {}, { OPENAI_API_KEY: '' })).toThrow(/OPENAI_API_KEY/);
  });

  it('lets --api-key stand in for any provider key', () => {
    expect(resolveUpstream('mistral/mistral-small', { apiKey: 'flag' }, {}).apiKey).toBe('flag');
  });

  it('sends every model verbatim to --base-url, overriding the table', () => {
    const endpoint = resolveUpstream('groq/llama', { baseURL: 'http://127.0.0.1:4000/v1', apiKey: 'k' }, { GROQ_API_KEY: 'g' });
    expect(endpoint).toMatchObject({ upstreamModel: 'groq/llama', provider: 'custom', baseURL: 'http://127.0.0.1:4000/v1', apiKey: 'k' });
    // No key configured: no authentication header at all, not a made-up bearer token.
    expect(resolveUpstream('m', { baseURL: 'http://x/v1' }, {})).toMatchObject({ apiKey: undefined, authHeaders: {} });
  });

  it('refuses a prefix with no model', () => {
    expect(() => resolveUpstream('groq/', {}, { GROQ_API_KEY: 'g' })).toThrow(/names a provider but no model/);
  });
});
