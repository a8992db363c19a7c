import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/index.js';
import { createBuiltinRegistry } from '../../src/routers/builtin-registry.js';

const context = { env: {}, fetch: globalThis.fetch, datasetsDir: '/nonexistent-datasets', readFile: async (path: string): Promise<Uint8Array> => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
} };

describe('builtin registry: sw_ranking and causal_llm', () => {
  it('registers both as network routers that load their module on first use', async () => {
    const registry = createBuiltinRegistry();
    expect(registry.get('sw_ranking').offline).toBe(false);
    expect(registry.get('causal_llm').offline).toBe(false);
    await expect(registry.build(['causal_llm'], {}, context)).rejects.toThrow(new ConfigError('causal_llm.model is required: the judge model served at causal_llm.base_url'));
    await expect(registry.build(['sw_ranking'], {}, context)).rejects.toThrow(
      'sw_ranking: cannot read /nonexistent-datasets/sw_ranking/battles.jsonl (ENOENT)',
    );
    const routers = await registry.build(['causal_llm'], { causal_llm: { model: 'judge', base_url: 'http://127.0.0.1:9/v1' } }, context);
    expect(routers.get('causal_llm')!.fingerprint).toBe('causal_llm:http://127.0.0.1:9/v1:judge:logprobs10:routellm-v5');
  });
});
