import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UpstreamError } from '../../../src/core/index.js';
import { causalLlmOptions, causalLlmRouterFactory } from '../../../src/routers/causal-llm/causal-llm-router.js';
import { CLASSIFIER_SYSTEM_MESSAGE } from '../../../src/routers/causal-llm/classifier-prompt.js';
import { startJsonHandlerServer, type JsonHandlerServer, type JsonRequest } from '../../helpers/json-handler-server.js';
import { judgeCompletion } from '../../helpers/judge-completion.js';

type Token = { token: string; logprob: number; top_logprobs?: Array<{ token: string; logprob: number }> };

/** A chat.completion body; `tokens` become choices[0].logprobs.content when the request asked for logprobs. */
function completion(request: JsonRequest, content: string, tokens?: Token[]) {
  const logprobs =
    request.body.logprobs && tokens
      ? { content: tokens.map((t) => ({ ...t, bytes: null, top_logprobs: t.top_logprobs ?? [] })), refusal: null }
      : null;
  return judgeCompletion(request.body.model, content, logprobs);
}

const ln = Math.log;
/** "[[4]]" as three tokens, the score token with alternatives 4: .5, 3: .2, 5: .1, 2: .05 and a non-score token. */
const scoreFour: Token[] = [
  { token: '[[', logprob: ln(0.99) },
  {
    token: '4',
    logprob: ln(0.5),
    top_logprobs: [
      { token: '4', logprob: ln(0.5) },
      { token: '3', logprob: ln(0.2) },
      { token: ' a', logprob: ln(0.1) },
      { token: '5', logprob: ln(0.1) },
      { token: '2', logprob: ln(0.05) },
    ],
  },
  { token: ']]', logprob: ln(0.99) },
];

let server: JsonHandlerServer;
beforeAll(async () => {
  server = await startJsonHandlerServer((request) => completion(request, '[[4]]', scoreFour));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handler = (request) => completion(request, '[[4]]', scoreFour);
});

const context = () => ({ env: {}, fetch: globalThis.fetch, datasetsDir: '', readFile: async () => new Uint8Array() });
const judge = (extra: Record<string, unknown> = {}) =>
  Promise.resolve(causalLlmRouterFactory.create({ base_url: server.baseURL, model: 'judge-8b', api_key: 'sk-judge', ...extra }, context()));

describe('causal_llm router', () => {
  it("sends RouteLLM's classifier prompt and scores 1 - P(score >= 4) from the score token's logprobs", async () => {
    const router = await judge();
    const rate = await router.strongWinRate('What is 2 + 2? Use $& literally.');
    // Normalised over the five score tokens: P(4) + P(5) = .6 / .85.
    expect(rate).toBeCloseTo(1 - 0.6 / 0.85, 10);
    const request = server.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-judge');
    expect(request.body).toMatchObject({ model: 'judge-8b', temperature: 0, max_tokens: 16, logprobs: true, top_logprobs: 10 });
    expect(request.body.messages).toEqual([
      { role: 'system', content: CLASSIFIER_SYSTEM_MESSAGE },
      { role: 'user', content: '[Question]\nWhat is 2 + 2? Use $& literally.\n\nPrediction:\n' },
    ]);
    expect(CLASSIFIER_SYSTEM_MESSAGE).toMatch(/^\[Instruction\]\nBased on the question provided below, predict the score/);
  });

  it('finds the score token after other text, and reads tokens that carry brackets', async () => {
    server.handler = (request) =>
      completion(request, 'Prediction: [[2]]', [
        { token: 'Prediction', logprob: 0 },
        { token: ':', logprob: 0 },
        { token: ' [[', logprob: 0 },
        { token: '2', logprob: ln(0.6), top_logprobs: [{ token: '2', logprob: ln(0.6) }, { token: '4', logprob: ln(0.3) }, { token: ' 5', logprob: ln(0.1) }] },
        { token: ']]', logprob: 0 },
      ]);
    expect(await (await judge()).strongWinRate('q1')).toBeCloseTo(0.6, 10);
    server.handler = (request) =>
      completion(request, '[[3]]', [{ token: '[[3]]', logprob: ln(0.8), top_logprobs: [{ token: '[[3]]', logprob: ln(0.8) }, { token: '[[5]]', logprob: ln(0.2) }] }]);
    expect(await (await judge()).strongWinRate('q2')).toBeCloseTo(0.8, 10);
  });

  it('without logprobs parses the score: 4 or 5 -> 0, 1 to 3 -> 1', async () => {
    const router = await judge({ logprobs: false });
    server.handler = (request) => completion(request, 'I would say [[5]].', scoreFour);
    expect(await router.strongWinRate('easy')).toBe(0);
    server.handler = (request) => completion(request, '[[2.0]]');
    expect(await router.strongWinRate('hard')).toBe(1);
    expect(server.requests[0]!.body.logprobs).toBeUndefined();
    expect(server.requests[0]!.body.top_logprobs).toBeUndefined();
  });

  it('parses the score when the server ignores the logprobs request', async () => {
    server.handler = (request) => completion({ ...request, body: { ...request.body, logprobs: false } }, '[[4]]');
    expect(await (await judge()).strongWinRate('q')).toBe(0);
  });

  it.each([
    ['no brackets', 'I think 4'],
    ['a score out of range', '[[7]]'],
    ['an empty answer', ''],
    ['a refusal', "I can't help with that."],
  ])('routes to the strong model (win rate 1) on an invalid answer: %s', async (_label, content) => {
    server.handler = (request) => completion(request, content, [{ token: content, logprob: 0 }]);
    expect(await (await judge()).strongWinRate('q')).toBe(1);
  });

  it('remembers win rates per prompt, and scores batches', async () => {
    const router = await judge();
    const first = await router.strongWinRate('same');
    const second = router.strongWinRate('same');
    expect(second).toBe(first); // a number, not a promise: no second call
    expect(server.requests).toHaveLength(1);
    const rates = await router.strongWinRates!(['a', 'b', 'same', 'c', 'd', 'e']);
    expect(rates).toHaveLength(6);
    expect(rates.every((r) => Math.abs(r - first) < 1e-12)).toBe(true);
    expect(server.requests).toHaveLength(6);
  });

  it('maps a failing judge to an UpstreamError naming it, after one retry', async () => {
    server.handler = () => ({ status: 503, body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } } });
    const error = await Promise.resolve((await judge()).strongWinRate('q')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe(`causal_llm judge ${server.baseURL}/chat/completions (model judge-8b) answered 503: overloaded`);
    expect(server.requests).toHaveLength(2);
  });

  it('settles and validates options', () => {
    expect(causalLlmOptions({ model: 'm' }, { OPENAI_API_KEY: 'sk' })).toMatchObject({
      baseURL: 'https://api.openai.com/v1',
      apiKey: 'sk',
      logprobs: true,
      topLogprobs: 10,
    });
    expect(causalLlmOptions({ model: 'm', base_url: 'http://127.0.0.1:1/v1' }, {}).apiKey).toBe('no-key');
    expect(causalLlmOptions({ model: 'm', api_key_env: 'JUDGE_KEY' }, { JUDGE_KEY: 'sk-j' }).apiKey).toBe('sk-j');
    expect(() => causalLlmOptions({}, {})).toThrow(new ConfigError('causal_llm.model is required: the judge model served at causal_llm.base_url'));
    expect(() => causalLlmOptions({ model: 'm' }, {})).toThrow('causal_llm: no API key for https://api.openai.com/v1; set OPENAI_API_KEY or causal_llm.api_key');
    expect(() => causalLlmOptions({ model: 'm', api_key: 'k', logprobs: 'yes' }, {})).toThrow('causal_llm.logprobs must be true or false');
    expect(() => causalLlmOptions({ model: 'm', api_key: 'k', top_logprobs: 50 }, {})).toThrow('causal_llm.top_logprobs must be an integer in [1, 20], got 50');
    expect(() => causalLlmOptions({ model: 'm', api_key: 'k', classifier_message: 'no slot' }, {})).toThrow('must contain {question}');
    expect(() => causalLlmOptions({ model: 'm', api_key: 'k', temperature: 1 }, {})).toThrow('causal_llm: unknown option "temperature"');
  });
});
