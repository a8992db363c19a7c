import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/index.js';
import { parsePrices } from '../../src/config/config-sections.js';
import { costAt, DEFAULT_PRICES, PriceTable, readUsage } from '../../src/upstream/price-table.js';
import { SpendTracker } from '../../src/server/spend/spend-tracker.js';

describe('PriceTable', () => {
  const table = new PriceTable({ 'my-model': { input: 1, output: 2 }, 'gpt-4o': { input: 5, output: 15 } });

  it('has defaults for the RouteLLM paper pair and common models', () => {
    for (const model of ['gpt-4-1106-preview', 'mistralai/Mixtral-8x7B-Instruct-v0.1', 'gpt-4o', 'gpt-4o-mini']) {
      expect(DEFAULT_PRICES[model], model).toBeDefined();
    }
  });

  it('looks names up as given, without a provider prefix, and case-insensitively; the config overrides defaults', () => {
    expect(table.priceOf('gpt-4o')).toEqual({ input: 5, output: 15 });
    expect(table.priceOf('openai/gpt-4o-mini')).toEqual(DEFAULT_PRICES['gpt-4o-mini']);
    expect(table.priceOf('groq/llama-3.1-8b-instant')).toEqual(DEFAULT_PRICES['llama-3.1-8b-instant']);
    expect(table.priceOf('together/mistralai/Mixtral-8x7B-Instruct-v0.1')).toEqual(DEFAULT_PRICES['mistralai/Mixtral-8x7B-Instruct-v0.1']);
    expect(table.priceOf('MY-MODEL')).toEqual({ input: 1, output: 2 });
    expect(table.priceOf('unknown-model')).toBeUndefined();
  });

  it("prices Anthropic's models by their API ids, dated or -latest, with or without the provider prefix", () => {
    const defaults = new PriceTable();
    // Before: no Anthropic row, so a Claude pair's saving was always unknown.
    expect(defaults.priceOf('anthropic/claude-3-5-sonnet-latest')).toEqual({ input: 3, output: 15 });
    expect(defaults.priceOf('claude-3-5-sonnet-20241022')).toEqual({ input: 3, output: 15 });
    expect(defaults.priceOf('anthropic/claude-3-5-haiku-20241022')).toEqual({ input: 0.8, output: 4 });
    expect(defaults.priceOf('anthropic/claude-sonnet-4-20250514')).toEqual({ input: 3, output: 15 });
    expect(defaults.priceOf('claude-opus-4-1-20250805')).toEqual({ input: 15, output: 75 });
    expect(defaults.priceOf('anthropic/claude-3-haiku-20240307')).toEqual({ input: 0.25, output: 1.25 });
    expect(defaults.priceOf('anthropic/claude-haiku-4-5')).toEqual({ input: 1, output: 5 });
    // The config still wins, and an unknown Claude is still unknown.
    expect(new PriceTable({ 'claude-3-5-sonnet-latest': { input: 1, output: 1 } }).priceOf('anthropic/claude-3-5-sonnet-latest')).toEqual({ input: 1, output: 1 });
    expect(defaults.priceOf('anthropic/claude-9-nonesuch')).toBeUndefined();
  });

  it('prices models on local providers (ollama, lm_studio) at 0 unless the config prices them', () => {
    const defaults = new PriceTable();
    expect(defaults.priceOf('ollama_chat/llama3')).toEqual({ input: 0, output: 0 });
    expect(defaults.priceOf('ollama/qwen2.5:7b')).toEqual({ input: 0, output: 0 });
    expect(defaults.priceOf('lm_studio/qwen2.5-7b-instruct')).toEqual({ input: 0, output: 0 });
    expect(new PriceTable({ llama3: { input: 0.1, output: 0.2 } }).priceOf('ollama_chat/llama3')).toEqual({ input: 0.1, output: 0.2 });
    // A self-hosted server elsewhere (vLLM) costs something nobody told us: still unknown.
    expect(defaults.priceOf('hosted_vllm/meta-llama/Llama-3-8B')).toBeUndefined();
  });

  it('turns usage into USD per million tokens', () => {
    expect(costAt({ input: 10, output: 30 }, { inputTokens: 1_000_000, outputTokens: 500_000 })).toBe(25);
    expect(table.costOf('my-model', { inputTokens: 1000, outputTokens: 1000 })).toBeCloseTo(0.003, 12);
    expect(table.costOf('unknown-model', { inputTokens: 1, outputTokens: 1 })).toBeUndefined();
  });

  it('reads OpenAI usage and ignores what is not counts', () => {
    expect(readUsage({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 })).toEqual({ inputTokens: 12, outputTokens: 3 });
    expect(readUsage({ prompt_tokens: 12 })).toEqual({ inputTokens: 12, outputTokens: 0 });
    expect(readUsage({ prompt_tokens: -1, completion_tokens: 3 })).toBeUndefined();
    expect(readUsage({ prompt_tokens: '12', completion_tokens: 3 })).toBeUndefined();
    expect(readUsage(null)).toBeUndefined();
  });

  it.each([
    [[1, 2], 'must be a mapping'],
    [{ m: 3 }, 'prices.m must be {input'],
    [{ m: { input: -1, output: 1 } }, 'prices.m.input must be a non-negative number'],
    [{ m: { input: 1, output: 'lots' } }, 'prices.m.output must be a non-negative number'],
    [{ m: { input: 1, output: 1, cached: 0.5 } }, 'prices.m.cached is not a price field'],
  ])('rejects prices %j naming the key', (value, message) => {
    expect(() => parsePrices(value, 'c.yaml: prices')).toThrow(ConfigError);
    expect(() => parsePrices(value, 'c.yaml: prices')).toThrow(message);
  });

  it('accepts numeric strings from ${VAR} expansion', () => {
    expect(parsePrices({ m: { input: '0.5', output: 2 } }, 'p')).toEqual({ m: { input: 0.5, output: 2 } });
  });
});

describe('SpendTracker', () => {
  const prices = new PriceTable({ strong: { input: 10, output: 30 }, weak: { input: 1, output: 1 } });
  const pair = { strong: 'strong', weak: 'weak' };

  it('reports spend, strong-only spend and the saving; a request without usage is counted as unknown, not free', () => {
    const spend = new SpendTracker(prices, pair, new Date('2026-01-01T00:00:00Z'));
    expect(spend.stats()).toMatchObject({ strong_only_spend_usd: 0, saving_usd: 0, saving_unknown_because: null, failed_requests: 0, requests_by_status: {} });
    expect(spend.savingUsd).toBe(0);
    spend.record('strong', { inputTokens: 1_000_000, outputTokens: 0 }); // $10, strong-only $10
    spend.record('weak', { inputTokens: 1_000_000, outputTokens: 1_000_000 }); // $2, strong-only $40
    spend.record('weak', undefined); // a stream cut short: usage unknown
    const stats = spend.stats();
    expect(stats).toMatchObject({
      object: 'routellm.stats',
      since: '2026-01-01T00:00:00.000Z',
      requests: 3,
      spend_usd: 12,
      strong_only_spend_usd: 50,
      saving_usd: 38,
      saving_unknown_because: null,
      unpriced_requests: 0,
      usage_unknown_requests: 1,
    });
    expect(stats.saving_ratio).toBeCloseTo(38 / 50, 9);
    expect(stats.models['weak']).toEqual({ requests: 2, input_tokens: 1_000_000, output_tokens: 1_000_000, cost_usd: 2, unpriced_requests: 0, usage_unknown_requests: 1 });
    expect(spend.savingUsd).toBeCloseTo(38, 9);
  });

  it('gives no saving once a request came from a model without a price, and says why', () => {
    const spend = new SpendTracker(prices, pair, new Date('2026-01-01T00:00:00Z'));
    spend.record('weak', { inputTokens: 1_000_000, outputTokens: 1_000_000 });
    spend.record('my-local-llm', { inputTokens: 10, outputTokens: 10 });
    const stats = spend.stats();
    expect(stats).toMatchObject({ spend_usd: 2, saving_usd: null, saving_ratio: null, unpriced_requests: 1 });
    expect(stats.saving_unknown_because).toBe(
      '1 request(s) came from "my-local-llm", which has no price, so its cost is unknown; add a price under prices: in the config file',
    );
    expect(stats.models['my-local-llm']?.unpriced_requests).toBe(1);
    expect(spend.savingUsd).toBeUndefined();
  });

  it('gives no saving when the strong model has no price', () => {
    const spend = new SpendTracker(prices, { strong: 'gpt-unpriced', weak: 'weak' }, new Date('2026-01-01T00:00:00Z'));
    spend.record('weak', { inputTokens: 10, outputTokens: 10 });
    expect(spend.stats()).toMatchObject({ strong_only_spend_usd: null, saving_usd: null, saving_ratio: null, unpriced_requests: 0 });
    expect(spend.stats().saving_unknown_because).toContain('the strong model "gpt-unpriced" has no price');
    expect(spend.savingUsd).toBeUndefined();
  });
});
