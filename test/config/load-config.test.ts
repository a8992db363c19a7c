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

  it('reads an unquoted value that is wholly one expansion as a YAML scalar; quoted, or part of a string, it stays text', () => {
    const text = [
      'random:',
      '  seed: ${NOPE:-7}',
      'causal_llm:',
      '  logprobs: ${LOGPROBS:-false}',
      '  model: "${NUMERIC_NAME:-42}"',
      '  base_url: http://${HOST:-localhost}:8000/v1',
      '  api_key: ${KEY:-sk-1}',
      '',
    ].join('\n');
    expect(parseConfig(text, 'c.yaml', {}).routers).toEqual({
      random: { seed: 7 },
      causal_llm: { logprobs: false, model: '42', base_url: 'http://localhost:8000/v1', api_key: 'sk-1' },
    });
    expect(parseConfig(text, 'c.yaml', { NOPE: '12', HOST: '10.0.0.1' }).routers['random']).toEqual({ seed: 12 });
    expect(parseConfig(text, 'c.yaml', { HOST: '10.0.0.1' }).routers['causal_llm']).toMatchObject({ base_url: 'http://10.0.0.1:8000/v1' });
  });

  it('expands in flow style too, where ${ is not valid YAML, and names an unset variable there', () => {
    expect(parseConfig('random: {seed: ${SEED}}\n', 'c.yaml', { SEED: '42' }).routers).toEqual({ random: { seed: 42 } });
    expect(parseConfig('mf: {checkpoint_path: ${DIR:-./mf}/x, cache_size: ${N:-10}}\n', 'c.yaml', {}).routers['mf']).toEqual({ checkpoint_path: './mf/x', cache_size: 10 });
    expect(() => parseConfig('random: {seed: ${NOPE}}\n', 'c.yaml', {})).toThrow('c.yaml: random.seed: environment variable NOPE is not set');
    // Keys are never expanded.
    expect(Object.keys(parseConfig('${ROUTER}: {}\n', 'c.yaml', { ROUTER: 'mf' }).routers)).toEqual(['${ROUTER}']);
  });

  it('reports a YAML error on one line, with the line it points at, in the file as written', () => {
    const message = (text: string) => {
      try {
        parseConfig(text, 'c.yaml', {});
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(message('random: {seed: 42\n')).toBe(
      'config file c.yaml is not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 2, column 1 (line 1: "random: {seed: 42")',
    );
    expect(message('a: 1\na: 2\n')).toBe('config file c.yaml is not valid YAML: Map keys must be unique at line 2, column 1 ("a: 2")');
    // An expansion before the error does not shift its column.
    expect(message('random: {seed: ${A:-1}, x: [1}\n')).toMatch(/ at line 1, column 30 \("random: \{seed: \$\{A:-1\}, x: \[1\}"\)$/);
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
