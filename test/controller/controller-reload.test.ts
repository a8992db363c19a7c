import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Controller } from '../../src/index.js';
import { twoMfCheckpoints } from '../helpers/mf-checkpoints.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  dir = await mkdtemp(join(tmpdir(), 'routellm-controller-reload-'));
  const weights = await twoMfCheckpoints(dir);
  // A checkpoint cut short, as a copy interrupted halfway leaves it.
  await cp(join(dir, 'a'), join(dir, 'truncated'), { recursive: true });
  await writeFile(join(dir, 'truncated', 'model.safetensors'), weights.subarray(0, weights.length >> 1));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const quiet = { info() {}, warn() {} };
const echo = () => (upstream.reply = (request) => ({ kind: 'json', content: `echo: ${request.body.messages.at(-1).content}` }));
const ask = (controller: Controller, content: string) => controller.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content }] });

/** A Controller on mf, its config file at `config` pointing at checkpoint a. */
async function onCheckpointA(config: string): Promise<Controller> {
  await writeFile(config, 'mf:\n  checkpoint_path: ./a\n');
  return Controller.create({ routers: ['mf'], config, cwd: dir, baseURL: upstream.baseURL, apiKey: 'k', strongModel: 'big', weakModel: 'small', env: {}, logger: quiet });
}

describe('Controller.reload()', () => {
  it("swaps in new weights while calls are in flight (they finish on the old set), as serve's reload does", async () => {
    const config = join(dir, 'swap.yaml');
    const controller = await onCheckpointA(config);
    try {
      const before = controller.stats().routing;
      expect(before.generation).toBe(0);
      const fingerprintA = before.routers['mf'] as string;

      // A slow answer and a slow stream are in flight across the reload.
      upstream.reply = (request) => (request.body.stream ? { kind: 'stream', content: 'slow stream', delayMs: 200 } : { kind: 'json', content: `slow: ${request.body.messages.at(-1).content}`, delayMs: 800 });
      const sent = upstream.requests.length;
      const slow = ask(controller, 'in flight').withDecision();
      const stream = controller.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: 'streaming' }], stream: true });
      await upstream.waitForRequests(sent + 2);
      await writeFile(config, 'mf:\n  checkpoint_path: ./b\n');
      const result = await controller.reload();
      expect(result).toMatchObject({ generation: 1, changed: ['mf'], needsRestart: [] });
      expect(result.routers['mf']).not.toBe(fingerprintA);
      expect(controller.stats().routing).toEqual({ generation: 1, routers: { mf: result.routers['mf'] } });

      const { data, decision } = await slow;
      expect(data.choices[0]?.message.content).toBe('slow: in flight');
      expect(decision.router).toBe('mf');
      let text = '';
      for await (const chunk of await stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('slow stream');
      // Each answered by its first attempt: the upstream connections outlived the swap.
      expect(upstream.requests.filter((request) => request.body.messages.at(-1).content === 'in flight')).toHaveLength(1);
      expect(upstream.requests.filter((request) => request.body.messages.at(-1).content === 'streaming')).toHaveLength(1);

      echo();
      expect((await ask(controller, 'after')).choices[0]?.message.content).toBe('echo: after');
      // Back to the first weights: the start-up fingerprint again.
      await writeFile(config, 'mf:\n  checkpoint_path: ./a\n');
      expect(await controller.reload()).toMatchObject({ generation: 2, routers: { mf: fingerprintA }, changed: ['mf'] });
    } finally {
      await controller.close();
    }
  });

  it('a failed reload keeps the old routers serving, calls in flight included, and rejects with a typed error', async () => {
    const config = join(dir, 'broken.yaml');
    const controller = await onCheckpointA(config);
    try {
      const routing = controller.stats().routing;
      for (const [text, message] of [
        ['mf: [\n', /broken\.yaml/],
        ['mf:\n  checkpoint_path: ./missing\n', /missing/],
        ['mf:\n  checkpoint_path: ./truncated\n', /truncated/],
      ] as const) {
        upstream.reply = (request) => ({ kind: 'json', content: `slow: ${request.body.messages.at(-1).content}`, delayMs: 300 });
        const sent = upstream.requests.length;
        const inFlight = ask(controller, `across ${text.length}`);
        await upstream.waitForRequests(sent + 1);
        await writeFile(config, text);
        const failed = controller.reload();
        await expect(failed).rejects.toBeInstanceOf(ConfigError);
        await expect(failed).rejects.toThrow(message);
        expect((await inFlight).choices[0]?.message.content).toBe(`slow: across ${text.length}`);
        expect(controller.stats().routing).toEqual(routing);
        echo();
        expect((await ask(controller, 'still')).choices[0]?.message.content).toBe('echo: still');
      }
    } finally {
      await controller.close();
    }
  });
});
