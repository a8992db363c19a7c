import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/index.js';
import { PROVIDERS, resolveUpstream } from '../../src/upstream/providers.js';
import { Upstreams } from '../../src/upstream/upstreams.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let origin: string;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  origin = upstream.baseURL.replace(/\/v1$/, '');
});
afterAll(async () => {
  await upstream.close();
});

/** Each prefix, with the variables that point it at the fake and the request the fake must see. */
const CASES: { model: string; env: (origin: string) => Record<string, string>; path: string; sentModel: string; headers: Record<string, string | undefined> }[] = [
  { model: 'openai/gpt-4o', env: (o) => ({ OPENAI_BASE_URL: `${o}/openai/v1`, OPENAI_API_KEY: 'k-openai' }), path: '/openai/v1/chat/completions', sentModel: 'gpt-4o', headers: { authorization: 'Bearer k-openai' } },
  { model: 'gpt-4o', env: (o) => ({ OPENAI_BASE_URL: `${o}/bare/v1`, OPENAI_API_KEY: 'k-openai' }), path: '/bare/v1/chat/completions', sentModel: 'gpt-4o', headers: { authorization: 'Bearer k-openai' } },
  { model: 'anthropic/claude-3-5-haiku-latest', env: (o) => ({ ANTHROPIC_API_BASE: `${o}/anthropic/v1`, ANTHROPIC_API_KEY: 'k-anthropic' }), path: '/anthropic/v1/chat/completions', sentModel: 'claude-3-5-haiku-latest', headers: { authorization: 'Bearer k-anthropic' } },
  { model: 'azure/my-gpt4o', env: (o) => ({ AZURE_API_BASE: `${o}/azure`, AZURE_API_KEY: 'k-azure', AZURE_API_VERSION: '2024-06-01' }), path: '/azure/openai/deployments/my-gpt4o/chat/completions?api-version=2024-06-01', sentModel: 'my-gpt4o', headers: { 'api-key': 'k-azure', authorization: undefined } },
  { model: 'ollama_chat/llama3', env: (o) => ({ OLLAMA_API_BASE: `${o}` }), path: '/v1/chat/completions', sentModel: 'llama3', headers: { authorization: undefined } },
  { model: 'ollama/llama3', env: (o) => ({ OLLAMA_API_BASE: `${o}/ollama/v1` }), path: '/ollama/v1/chat/completions', sentModel: 'llama3', headers: { authorization: undefined } },
  { model: 'together_ai/meta-llama/Llama-3-8b-chat-hf', env: (o) => ({ TOGETHERAI_API_BASE: `${o}/together/v1`, TOGETHERAI_API_KEY: 'k-together' }), path: '/together/v1/chat/completions', sentModel: 'meta-llama/Llama-3-8b-chat-hf', headers: { authorization: 'Bearer k-together' } },
  { model: 'together/meta-llama/Llama-3-8b-chat-hf', env: (o) => ({ TOGETHERAI_API_BASE: `${o}/together/v1`, TOGETHER_API_KEY: 'k-together2' }), path: '/together/v1/chat/completions', sentModel: 'meta-llama/Llama-3-8b-chat-hf', headers: { authorization: 'Bearer k-together2' } },
  { model: 'fireworks_ai/accounts/fireworks/models/llama-v3-8b', env: (o) => ({ FIREWORKS_AI_API_BASE: `${o}/fireworks/inference/v1`, FIREWORKS_AI_API_KEY: 'k-fw' }), path: '/fireworks/inference/v1/chat/completions', sentModel: 'accounts/fireworks/models/llama-v3-8b', headers: { authorization: 'Bearer k-fw' } },
  { model: 'hosted_vllm/meta-llama/Llama-3-8B', env: (o) => ({ HOSTED_VLLM_API_BASE: `${o}/vllm/v1` }), path: '/vllm/v1/chat/completions', sentModel: 'meta-llama/Llama-3-8B', headers: { authorization: undefined } },
  { model: 'hosted_vllm/m', env: (o) => ({ HOSTED_VLLM_API_BASE: `${o}/vllm/v1`, HOSTED_VLLM_API_KEY: 'k-vllm' }), path: '/vllm/v1/chat/completions', sentModel: 'm', headers: { authorization: 'Bearer k-vllm' } },
  { model: 'lm_studio/qwen2.5-7b-instruct', env: (o) => ({ LM_STUDIO_API_BASE: `${o}/lmstudio/v1` }), path: '/lmstudio/v1/chat/completions', sentModel: 'qwen2.5-7b-instruct', headers: { authorization: undefined } },
  { model: 'groq/llama-3.1-8b-instant', env: (o) => ({ GROQ_API_BASE: `${o}/groq/openai/v1`, GROQ_API_KEY: 'k-groq' }), path: '/groq/openai/v1/chat/completions', sentModel: 'llama-3.1-8b-instant', headers: { authorization: 'Bearer k-groq' } },
];

describe('each provider prefix reaches its endpoint', () => {
  it.each(CASES)('$model', async ({ model, env, path, sentModel, headers }) => {
    const upstreams = new Upstreams({ pair: { strong: model, weak: model }, env: env(origin) });
    try {
      const before = upstream.requests.length;
      const response = await upstreams.chat(model, { model, messages: [{ role: 'user', content: 'hi' }] }, { signal: new AbortController().signal });
      expect(response.status).toBe(200);
      await response.text();
      const seen = upstream.requests[before];
      expect(seen?.path).toBe(path);
      expect(seen?.body.model).toBe(sentModel);
      for (const [name, value] of Object.entries(headers)) expect(seen?.headers[name]).toBe(value);
    } finally {
      upstreams.close();
    }
  });
});

describe('the prefix table', () => {
  it('has every litellm spelling the RouteLLM docs use, beside the short ones', () => {
    const prefixes = PROVIDERS.map((provider) => provider.prefix);
    for (const prefix of ['openai', 'anthropic', 'azure', 'ollama', 'ollama_chat', 'hosted_vllm', 'lm_studio', 'together', 'together_ai', 'fireworks', 'fireworks_ai', 'groq', 'openrouter', 'mistral', 'gemini', 'deepseek', 'xai', 'deepinfra', 'anyscale']) {
      expect(prefixes).toContain(prefix);
    }
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('refuses an unknown prefix, listing the known ones, even with OPENAI_API_KEY set', () => {
    const attempt = () => resolveUpstream('groqq/llama-3.1-8b', {}, { OPENAI_API_KEY: 'sk' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/provider prefix "groqq\/", which no provider table knows \(known: openai, anthropic, azure, ollama, ollama_chat/);
    // The config file's providers are known too, and listed first.
    expect(() => resolveUpstream('x/m', {}, {}, [{ prefix: 'mine', baseURL: 'http://127.0.0.1:1/v1', keyEnv: undefined }])).toThrow(/known: mine, openai/);
  });

  it('needs the base URL variable of a provider without a public endpoint', () => {
    expect(() => resolveUpstream('hosted_vllm/m', {}, {})).toThrow(/HOSTED_VLLM_API_BASE is not set/);
    expect(() => resolveUpstream('azure/dep', {}, { AZURE_API_KEY: 'k' })).toThrow(/AZURE_API_BASE is not set/);
  });

  it('names every key variable it reads when none is set', () => {
    expect(() => resolveUpstream('together_ai/m', {}, {})).toThrow(/TOGETHERAI_API_KEY \(or TOGETHER_API_KEY\) is not set/);
    expect(() => resolveUpstream('anthropic/claude', {}, {})).toThrow(/ANTHROPIC_API_KEY is not set/);
  });
});
