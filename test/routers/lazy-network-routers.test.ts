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

describe('builtin sw_ranking with an offline embedder', () => {
  it('resolves the use-static embedder recorded with the data, with no network', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { useStaticEmbedder } = await import('../../src/embed/offline-embedders.js');
    const { trainSwRanking } = await import('../../src/routers/sw-ranking/train-sw-ranking.js');
    const { writeSwRankingData } = await import('../../src/routers/sw-ranking/write-sw-ranking-data.js');
    const dir = await mkdtemp(join(tmpdir(), 'routellm-sw-offline-'));
    try {
      const embedder = await useStaticEmbedder();
      const battles = [
        { prompt: 'Prove that the square root of two is irrational.', model_a: 'strong', model_b: 'weak', winner: 'model_a' as const },
        { prompt: 'Solve the integral of x squared from zero to one.', model_a: 'strong', model_b: 'weak', winner: 'model_a' as const },
        { prompt: 'Say hello to my friend Tom.', model_a: 'strong', model_b: 'weak', winner: 'tie' as const },
        { prompt: 'Tell me a short joke about cats.', model_a: 'weak', model_b: 'strong', winner: 'model_a' as const },
      ];
      await writeSwRankingData(dir, await trainSwRanking({ battles, embedder, strongModel: 'strong', weakModel: 'weak' }));
      const noNetwork = (() => Promise.reject(new Error('no network in this test'))) as unknown as typeof fetch;
      const offlineContext = { env: {}, fetch: noNetwork, datasetsDir: '', readFile: async (path: string) => new Uint8Array(await readFile(path)) };
      const routers = await createBuiltinRegistry().build(['sw_ranking'], { sw_ranking: { data_dir: dir } }, offlineContext);
      const router = routers.get('sw_ranking')!;
      expect(router.fingerprint).toContain(embedder.id);
      const rate = await router.strongWinRate('Prove that there are infinitely many primes.');
      expect(rate).toBeGreaterThan(0);
      expect(rate).toBeLessThan(1);
      expect(await router.strongWinRate('Prove that there are infinitely many primes.')).toBe(rate);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
