import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chooseByShortfall, requestCosts, requestTokens, shortfalls, switchPoints, typicalCostUnit } from '../../src/core/index.js';
import { logMessages } from '../helpers/log-messages.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess, type ServeInProcess } from '../helpers/serve-in-process.js';
import { echoReply, startUpstreamServer, type RecordedRequest, type UpstreamReply, type UpstreamServer } from '../helpers/upstream-server.js';

// Three fake models on 127.0.0.1, cheapest first; the shipped knn router scores them as three of
// RouterBench's models (scored_as), so its predictions are real ones.
const MODELS = ['local-7b', 'mid-13b', 'frontier'] as const;
let upstreams: Record<string, UpstreamServer>;
let dir: string;
let config: string;

beforeAll(async () => {
  upstreams = {};
  for (const model of MODELS) upstreams[model] = await startUpstreamServer({ reply: answerAs(model) });
  dir = await mkdtemp(join(tmpdir(), 'routellm-model-list-'));
  config = join(dir, 'models.yaml');
  await writeFile(
    config,
    `models:
  - name: local-7b
    base_url: ${upstreams['local-7b']!.baseURL}
    scored_as: mistralai/mistral-7b-chat
    price: { input: 0.2, output: 0.2 }
    tags: [local]
  - name: mid-13b
    base_url: ${upstreams['mid-13b']!.baseURL}
    scored_as: WizardLM/WizardLM-13B-V1.2
    price: { input: 0.5, output: 1.5 }
  - name: frontier
    base_url: ${upstreams['frontier']!.baseURL}
    api_key_env: FRONTIER_KEY
    scored_as: gpt-4-1106-preview
    price: { input: 10, output: 30 }
`,
  );
});
afterAll(async () => {
  for (const upstream of Object.values(upstreams)) await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

function answerAs(model: string) {
  return (request: RecordedRequest): UpstreamReply => (request.body.stream ? echoReply(request) : { kind: 'json', content: `answer from ${model}` });
}

let serve: ServeInProcess | undefined;
afterEach(async () => {
  for (const model of MODELS) upstreams[model]!.reply = answerAs(model);
  if (serve) await serve.stop();
  serve = undefined;
});

async function start(args: string[] = []): Promise<{ url: string; client: OpenAI }> {
  serve = await startServeInProcess(['--port', '0', '--config', config, ...args], { cwd: dir, env: { FRONTIER_KEY: 'sk-frontier', OPENAI_API_KEY: 'sk-openai' } });
  const url = serve.listening[1]!;
  return { url, client: new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client', maxRetries: 0 }) };
}

const messages = [{ role: 'user' as const, content: 'Which planet is known as the red planet? A) Venus B) Mars C) Jupiter D) Saturn' }];

function logLines(): any[] {
  return serve!
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('routellm serve over a models: list', () => {
  it("routes to the chosen model's upstream and says so in headers, the request log, stats and metrics", async () => {
    const { url, client } = await start();
    expect(serve!.log()).toContain('routers: knn');
    expect(serve!.log()).toContain('cheapest first');

    // A knob far above every shortfall: the cheapest model.
    const cheap = await client.chat.completions.create({ model: 'router-knn-1000', messages }).withResponse();
    expect(cheap.data.choices[0]?.message.content).toBe('answer from local-7b');
    expect(cheap.response.headers.get('x-routellm-model')).toBe('local-7b');
    expect(cheap.response.headers.get('x-routellm-knob')).toBe('1000');
    expect(cheap.response.headers.get('x-routellm-attempts')).toBe('local-7b');
    expect(cheap.response.headers.get('x-routellm-strong-win-rate')).toBeNull();
    const quality = Number(cheap.response.headers.get('x-routellm-quality'));
    expect(quality).toBeGreaterThan(0);
    expect(quality).toBeLessThan(1);
    expect(upstreams['local-7b']!.requests.at(-1)?.body.model).toBe('local-7b');
    // An entry's base URL gets its own key (api_key_env) or none, never OPENAI_API_KEY.
    expect(upstreams['local-7b']!.requests.at(-1)?.headers.authorization).toBeUndefined();

    // Knob 0: the model predicted best; the request log carries every model's predicted quality.
    const best = await client.chat.completions.create({ model: 'router-knn-0', messages }).withResponse();
    const chosen = best.response.headers.get('x-routellm-model')!;
    expect(best.data.choices[0]?.message.content).toBe(`answer from ${chosen}`);
    if (chosen === 'frontier') expect(upstreams['frontier']!.requests.at(-1)?.headers.authorization).toBe('Bearer sk-frontier');

    const stats = (await (await fetch(`${url}/v1/routellm/stats`)).json()) as any;
    expect(stats.requests).toBe(2);
    expect(stats.list.models).toEqual(MODELS);
    // The all-strongest bill is the same tokens at the reference's price.
    expect(stats.list.all_strongest_spend_usd).toBe(stats.strong_only_spend_usd);
    expect(stats.list.single_model_bills.frontier.spend_usd).toBe(stats.strong_only_spend_usd);
    expect(stats.list.single_model_bills['local-7b'].spend_usd).toBeLessThan(stats.list.single_model_bills['mid-13b'].spend_usd);
    const bestModel = stats.list.best_single_model;
    const means = MODELS.map((model) => stats.list.single_model_bills[model].mean_predicted_quality as number);
    expect(bestModel.mean_predicted_quality).toBe(Math.max(...means));
    expect(bestModel.spend_usd).toBe(stats.list.single_model_bills[bestModel.model].spend_usd);
    expect(stats.list.spend_ratio_to_best_single).toBeCloseTo(stats.spend_usd / bestModel.spend_usd, 6);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/routellm_requests_total\{router="knn",model="local-7b",status="200"\} 1/);
    expect(metrics).toMatch(new RegExp(`routellm_single_model_spend_usd\\{model="frontier"\\} ${stats.strong_only_spend_usd}`));

    await serve!.stop();
    const chats = logLines().filter((line) => line.path === '/v1/chat/completions');
    expect(chats).toHaveLength(2);
    expect(Object.keys(chats[0].qualities)).toEqual(MODELS);
    expect(chats[0].qualities['local-7b']).toBe(quality);
    expect(chats[0].strong_win_rate).toBeUndefined();
    const predicted = chats[1].qualities as Record<string, number>;
    expect(predicted[chosen]).toBe(Math.max(...Object.values(predicted)));
    serve = undefined;
  });

  it("prices each model at the request's own size: the same question behind a 20,000-token context goes to a cheaper model at the same knob", async () => {
    const { client } = await start();
    await client.chat.completions.create({ model: 'router-knn-0', messages });
    let line: any;
    for (let i = 0; i < 100 && !line; i += 1) {
      line = logLines().find((entry) => entry.path === '/v1/chat/completions');
      if (!line) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const losses = shortfalls(MODELS.map((model) => line.qualities[model] as number), 2);
    // The list's prices, as the config gives them (USD per million tokens).
    const list = [0.2, 0.2, 0.5, 1.5, 10, 30].reduce<{ name: string; price: { input: number; output: number }; tags: string[] }[]>(
      (out, _, i, all) => (i % 2 === 0 ? [...out, { name: MODELS[i / 2]!, price: { input: all[i]!, output: all[i + 1]! }, tags: [] }] : out),
      [],
    );
    const unit = typicalCostUnit(list);
    const context = 'Background notes. '.repeat(4400);
    const long = [{ role: 'system' as const, content: context }, ...messages];
    const short = requestCosts(list, requestTokens({ messages }), unit);
    const wide = requestCosts(list, requestTokens({ messages: long }), unit);
    expect(wide.step / short.step).toBeGreaterThan(10);
    // A knob just below the short request's last switch to the cheapest model: it keeps a dearer one.
    const last = switchPoints(losses, short.scaled).at(-1)!;
    expect(last.to).toBe(0);
    const knob = Number((last.knob * 0.99).toFixed(6));
    expect(chooseByShortfall(losses, short.scaled, knob)).toBe(last.from);
    const expectedLong = chooseByShortfall(losses, wide.scaled, knob);
    expect(expectedLong).toBeLessThan(last.from);

    const a = await client.chat.completions.create({ model: `router-knn-${knob}`, messages }).withResponse();
    const b = await client.chat.completions.create({ model: `router-knn-${knob}`, messages: long }).withResponse();
    expect(a.response.headers.get('x-routellm-model')).toBe(MODELS[last.from]);
    expect(b.response.headers.get('x-routellm-model')).toBe(MODELS[expectedLong]);
    // max_tokens caps the answer priced: a short answer makes the dearer models cheaper, never the other way.
    const capped = requestCosts(list, requestTokens({ messages, max_tokens: 1 }), unit);
    const c = await client.chat.completions.create({ model: `router-knn-${knob}`, messages, max_tokens: 1 }).withResponse();
    expect(c.response.headers.get('x-routellm-model')).toBe(MODELS[chooseByShortfall(losses, capped.scaled, knob)]);
    expect(MODELS.indexOf(c.response.headers.get('x-routellm-model') as (typeof MODELS)[number])).toBeGreaterThanOrEqual(last.from);
  });

  it('falls back through the list: the next model up, and x-routellm-attempts lists the models tried', async () => {
    const { client } = await start();
    upstreams['local-7b']!.reply = () => ({ kind: 'error', status: 503 });
    upstreams['mid-13b']!.reply = () => ({ kind: 'error', status: 500 });
    const { data, response } = await client.chat.completions.create({ model: 'router-knn-1000', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('answer from frontier');
    expect(response.headers.get('x-routellm-attempts')).toBe('local-7b,mid-13b,frontier');
    expect(response.headers.get('x-routellm-fallback')).toBe('local-7b');
    expect(response.headers.get('x-routellm-model')).toBe('frontier');
  });

  it('falls back down the list when the reference fails', async () => {
    const { client } = await start();
    upstreams['frontier']!.reply = () => ({ kind: 'error', status: 503 });
    upstreams['mid-13b']!.reply = () => ({ kind: 'error', status: 503 });
    // Knob 0 takes the model predicted best: here the reference, which scores far above the two small ones.
    const { data, response } = await client.chat.completions.create({ model: 'router-knn-0', messages }).withResponse();
    expect(response.headers.get('x-routellm-attempts')).toBe('frontier,mid-13b,local-7b');
    expect(data.choices[0]?.message.content).toBe('answer from local-7b');
  });

  it('holds a cost share over the traffic: router-knn-<share>% between the all-cheapest and the all-strongest bill', async () => {
    const { client } = await start();
    const prompts = ['What is 2+2?', 'Write a Python function that merges two sorted lists.', 'Prove that there are infinitely many primes.', 'Which is larger, 3/7 or 4/9?', 'Translate "good morning" into French.', 'Explain recursion to a child.'];
    const chosen: string[] = [];
    for (const content of prompts) {
      for (const share of ['1%', '99%']) {
        const { response } = await client.chat.completions.create({ model: `router-knn-${share}`, messages: [{ role: 'user', content }] }).withResponse();
        chosen.push(`${share}:${response.headers.get('x-routellm-model')}`);
      }
    }
    const at = (share: string) => chosen.filter((entry) => entry.startsWith(`${share}:`)).map((entry) => MODELS.indexOf(entry.split(':')[1] as (typeof MODELS)[number]));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(at('99%'))).toBeGreaterThan(mean(at('1%')));
  });

  it('streams over a list with the same headers; a request every model fails names them all', async () => {
    const { url, client } = await start();
    const { data: stream, response } = await client.chat.completions.create({ model: 'router-knn-1000', messages, stream: true }).withResponse();
    expect(response.headers.get('x-routellm-model')).toBe('local-7b');
    expect(response.headers.get('x-routellm-attempts')).toBe('local-7b');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('echo:');
    for (const model of MODELS) upstreams[model]!.reply = () => ({ kind: 'error', status: 503 });
    const failed = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'router-knn-1000', messages }) });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.headers.get('x-routellm-attempts')).toBe('local-7b,mid-13b,frontier');
    // No model answered: none is named as if it had (it named frontier, the last to fail).
    expect(failed.headers.get('x-routellm-model')).toBeNull();
    expect(((await failed.json()) as any).error.message).toEqual(expect.any(String));
  });

  it('reloads over the same list, and refuses a changed list (the old one keeps serving)', async () => {
    const copy = join(dir, 'reloaded.yaml');
    await writeFile(copy, await readFile(config, 'utf8'));
    const { url, client } = await start(['--config', copy]);
    const same = await fetch(`${url}/v1/routellm/reload`, { method: 'POST' });
    expect(same.status).toBe(200);
    expect(((await same.json()) as any).routers).toEqual({ knn: expect.any(String) });
    await writeFile(copy, (await readFile(config, 'utf8')).replace('input: 10, output: 30', 'input: 5, output: 15'));
    const changed = await fetch(`${url}/v1/routellm/reload`, { method: 'POST' });
    expect(changed.status).toBe(500);
    expect(((await changed.json()) as any).error.message).toContain('the models: list changed');
    const { response } = await client.chat.completions.create({ model: 'router-knn-1000', messages }).withResponse();
    expect(response.headers.get('x-routellm-model')).toBe('local-7b');
  });

  it("reads knn: as the list router's section: no warning that it is no router, at start-up or on reload", async () => {
    const withKnn = join(dir, 'with-knn.yaml');
    await writeFile(withKnn, `${await readFile(config, 'utf8')}knn: {}\n`);
    const { url } = await start(['--config', withKnn]);
    expect((await fetch(`${url}/v1/routellm/reload`, { method: 'POST' })).status).toBe(200);
    await writeFile(withKnn, `${await readFile(config, 'utf8')}knn: {}\nknnn: {}\n`);
    expect((await fetch(`${url}/v1/routellm/reload`, { method: 'POST' })).status).toBe(200);
    // Only the typo is named, and knn is listed among the routers a list reads.
    const warnings = logMessages(serve!.log()).split('\n').filter((line) => line.includes('not a router here'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"knnn" is not a router here and is ignored');
    expect(warnings[0]).toContain('over a models: list also knn');
  });

  it('refuses a bad model name with OpenAI-shaped 400s through the official client', async () => {
    const { client } = await start();
    const negative = (await client.chat.completions.create({ model: 'router-knn--1', messages }).catch((error: unknown) => error)) as BadRequestError;
    expect(negative).toBeInstanceOf(BadRequestError);
    expect(negative.error).toMatchObject({ message: 'threshold -1 is below 0; over a list of models the knob is a number >= 0', param: 'model', code: 'invalid_threshold' });
    const pairRouter = (await client.chat.completions.create({ model: 'router-difficulty-0.5', messages }).catch((error: unknown) => error)) as BadRequestError;
    expect(pairRouter.status).toBe(400);
    expect(pairRouter.error).toMatchObject({ message: 'unknown router "difficulty"; this server has: knn', code: 'unknown_router' });
    const budget = (await client.chat.completions.create({ model: 'router-knn-$0/h', messages }).catch((error: unknown) => error)) as BadRequestError;
    expect(budget.status).toBe(400);
    expect(budget.error).toMatchObject({ param: 'model', code: 'invalid_threshold' });
    expect((budget.error as any).message).toContain('not a budget; write a strong-model spend per hour like $20/h');
    // A budget is held over a list (test/shares/list-budget-serve.test.ts): answered, with its knob.
    const held = await client.chat.completions.create({ model: 'router-knn-$20/h', messages }).withResponse();
    expect(held.response.headers.get('x-routellm-router')).toBe('knn');
    // A number >= 0, or `cheapest` when the budget sends every call to the cheapest model (a fresh one's first request).
    expect(held.response.headers.get('x-routellm-knob')).toMatch(/^(cheapest|\d+(\.\d+)?(e-\d+)?)$/);
  });
});

describe('a bad models: list is one line and exit 2', () => {
  const cases: [string, string, string][] = [
    ['empty', 'models: []\n', 'models must list at least two models, cheapest first (got 0)'],
    ['one model', 'models:\n  - name: a\n    price: { input: 1, output: 1 }\n', 'models must list at least two models, cheapest first (got 1)'],
    ['a bad price', 'models:\n  - name: a\n    price: { input: -1, output: 1 }\n  - name: b\n    price: { input: 1, output: 1 }\n', 'models[0].price.input must be a non-negative number of USD per million tokens, got -1'],
    ['no price', 'models:\n  - name: my-own-a\n  - name: gpt-4o\n', 'models[0] ("my-own-a") has no price; give it price: { input: <USD per 1M tokens>, output: <USD per 1M tokens> }'],
    ['a model listed twice', 'models:\n  - gpt-4o\n  - gpt-4o\n', 'models[1]: model "gpt-4o" is listed twice'],
    ['an unknown key', 'models:\n  - name: gpt-4o\n    prize: 3\n  - gpt-4\n', 'models[0].prize is not a known key'],
    ['a model the router does not score', 'models:\n  - gpt-4o-mini\n  - gpt-4o\n', 'models[0]: router "knn" does not score "gpt-4o-mini"; it scores "mistralai/mistral-7b-chat"'],
  ];
  it.each(cases)('%s', async (_name, yaml, message) => {
    const file = join(dir, `bad-${_name.replace(/ /g, '-')}.yaml`);
    await writeFile(file, yaml);
    const result = await runCliInProcess(['route', '--config', file, 'hello'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const served = await runCliInProcess(['serve', '--port', '0', '--config', file], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    expect(served.code).toBe(2);
    const lines = served.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toContain(message);
  });
});
