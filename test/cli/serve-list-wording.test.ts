import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_DEGRADED_CALLS } from '../../src/server/policy/routing-health.js';
import { freePort } from '../helpers/free-port.js';
import { logMessages } from '../helpers/log-messages.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { writeThreeModelList } from '../helpers/three-model-list.js';
import { echoReply, startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ reply: echoReply });
  dir = await mkdtemp(join(tmpdir(), 'routellm-list-wording-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const ask = (url: string, model: string, content = 'Prove that the square root of 2 is irrational.') =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content }] });

describe('serve over a models: list speaks of the list, not of a pair (QA-6 K)', () => {
  it('says which models answer for a degraded one, and /metrics helps a cost share and a knob', async () => {
    // The reference at a port nothing listens on: knob 0 routes there, and its calls fall back down the list.
    const config = join(dir, 'list-down.yaml');
    await writeFile(
      config,
      `models:
  - { name: small, base_url: "${upstream.baseURL}", scored_as: mistralai/mistral-7b-chat, price: { input: 0.05, output: 0.08 } }
  - { name: mid, base_url: "${upstream.baseURL}", scored_as: zero-one-ai/Yi-34B-Chat, price: { input: 0.8, output: 0.8 } }
  - { name: down, base_url: "http://127.0.0.1:${await freePort()}/v1", scored_as: gpt-4-1106-preview, price: { input: 10, output: 30 } }
`,
    );
    const serve = await startServeInProcess(['--config', config, '--port', '0', '--no-probe'], { cwd: dir });
    try {
      const url = serve.listening[1]!;
      for (let i = 0; i < MIN_DEGRADED_CALLS; i += 1) expect((await ask(url, 'router-knn-0')).model).toBe('mid');
      await ask(url, 'router-knn-30%');
      const degraded = logMessages(serve.log()).split('\n').find((line) => line.startsWith('routing degraded'));
      expect(degraded).toMatch(/of the calls routed to "down" fell back .*; the next models in its fallback order \(mid, small\) answer for it$/);
      expect(degraded).not.toContain('the other model');
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('# HELP routellm_share_realized Cost share the live window of router-<router>-<share> requests spent, of the way from the all-cheapest to the all-strongest bill (0..1).');
      expect(metrics).toContain('# HELP routellm_share_threshold Knob in force for router-<router>-<share>, cut on the live window.');
      expect(metrics).not.toMatch(/# HELP routellm_share_\w+ .*strong model/);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('--share-state after a price change in the list names the list, not the calibration table', async () => {
    const config = join(dir, 'list.yaml');
    const state = join(dir, 'lstate.json');
    await writeThreeModelList(config, upstream.baseURL);
    const first = await startServeInProcess(['--config', config, '--port', '0', '--no-probe', '--share-state', state], { cwd: dir });
    try {
      await ask(first.listening[1]!, 'router-knn-30%');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(JSON.parse(await readFile(state, 'utf8')).lists).toHaveLength(1);
    await writeFile(config, (await readFile(config, 'utf8')).replace('price: { input: 10, output: 30 }', 'price: { input: 12, output: 30 }'));
    const second = await startServeInProcess(['--config', config, '--port', '0', '--no-probe', '--share-state', state], { cwd: dir });
    try {
      const warning = logMessages(second.log()).split('\n').find((line) => line.startsWith('share state: 1 window(s)'));
      expect(warning).toBe(`share state: 1 window(s) in ${state} belong to routers not loaded, to other weights, or to other models or prices in the list; those cost shares start afresh, as on a first start`);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
