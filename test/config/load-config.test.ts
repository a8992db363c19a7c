import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/core/index.js';

describe('parseConfig', () => {
  it("reads RouteLLM's config.example.yaml shape", () => {
    const text = `
sw_ranking:
    arena_battle_datasets:
      - lmsys/lmsys-arena-human-preference-55k
      - routellm/gpt4_judge_battles
    arena_embedding_datasets:
      - routellm/arena_battles_embeddings
      - routellm/gpt4_judge_battles_embeddings
causal_llm:
    checkpoint_path: routellm/causal_llm_gpt4_augmented
bert:
    checkpoint_path: routellm/bert_gpt4_augmented
mf:
    checkpoint_path: routellm/mf_gpt4_augmented
`;
    const config = parseConfig(text, 'config.yaml', {});
    expect(Object.keys(config.routers)).toEqual(['sw_ranking', 'causal_llm', 'bert', 'mf']);
    expect(config.routers['mf']).toEqual({ checkpoint_path: 'routellm/mf_gpt4_augmented' });
  });

  it('expands environment variables, with defaults', () => {
    const config = parseConfig('causal_llm:\n  api_key: ${JUDGE_KEY}\n  base_url: ${JUDGE_URL:-http://localhost:8000/v1}\n', 'c.yaml', {
      JUDGE_KEY: 'sk-test',
    });
    expect(config.routers['causal_llm']).toEqual({ api_key: 'sk-test', base_url: 'http://localhost:8000/v1' });
  });

  it.each([
    ['mf: [1, 2', 'is not valid YAML'],
    ['- mf\n- random\n', 'must be a mapping of router name -> options'],
    ['mf: 3\n', '"mf" must be a mapping of options'],
    ['mf:\n  key: ${MISSING_VAR}\n', 'environment variable MISSING_VAR is not set'],
  ])('rejects %j with a ConfigError', (text, message) => {
    expect(() => parseConfig(text, 'c.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig(text, 'c.yaml', {})).toThrow(message);
  });

  it('treats an empty file and an empty section as no options', () => {
    expect(parseConfig('', 'c.yaml', {}).routers).toEqual({});
    expect(parseConfig('random:\n', 'c.yaml', {}).routers).toEqual({ random: {} });
  });
});
