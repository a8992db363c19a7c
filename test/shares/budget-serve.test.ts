import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SHARE_TRACKS, parseModelName } from '../../src/core/index.js';
import { Controller } from '../../src/index.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ record: false });
  dir = await mkdtemp(join(tmpdir(), 'routellm-budget-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

async function ask(url: string, model: string) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
}

describe('router-<r>-$20/h', () => {
  it('parses as a budget; anything else after $ is a 400-class routing error', () => {
    expect(parseModelName('router-mf-$20/h').threshold).toEqual({ kind: 'budget', usdPerHour: 20 });
    expect(parseModelName('router-mf-$0.5/h').threshold).toEqual({ kind: 'budget', usdPerHour: 0.5 });
    for (const bad of ['router-mf-$0/h', 'router-mf-$20', 'router-mf-$20/day', 'router-mf-$x/h']) expect(() => parseModelName(bad)).toThrow(/not a budget; write a strong-model spend per hour like \$20\/h/);
  });

  it('serve holds it with the strong model priced: answered, reported in the stats with its allowance', async () => {
    const config = join(dir, 'priced.yaml');
    await writeFile(config, 'prices:\n  big: { input: 10, output: 30 }\n  small: { input: 0.1, output: 0.1 }\n');
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'mf', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      for (let i = 0; i < 20; i += 1) expect((await ask(serve.listening[1] as string, 'router-mf-$20/h')).status).toBe(200);
      const stats = (await (await fetch(`${serve.listening[1]}/v1/routellm/stats`)).json()) as { shares: { model: string; window_fill: number; budget: Record<string, number> }[] };
      expect(stats.shares).toEqual([
        expect.objectContaining({ model: 'router-mf-$20/h', window_fill: 20, budget: expect.objectContaining({ usd_per_hour: 20 }) }),
      ]);
      const metrics = await (await fetch(`${serve.listening[1]}/metrics`)).text();
      expect(metrics).toContain('routellm_share_window_fill{router="mf",share="$20/h"} 20');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it("marks the cold-start probe, the one strong call below the threshold: header, request log line and the library's Decision (QA-6 Y)", async () => {
    // The QA's case: $5/h at $10/$30 per million tokens, a hard prompt. The prior (1,000 + 500 tokens a
    // strong call) allows almost no share, so the cut sits near 1, and the first hard request goes
    // strong anyway to measure the strong cost: without a mark it read as win rate < threshold -> strong.
    const config = join(dir, 'probe.yaml');
    await writeFile(config, 'prices:\n  big: { input: 10, output: 30 }\n  small: { input: 1, output: 1 }\n');
    const args = ['--port', '0', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small', '--log-format', 'json'];
    const serve = await startServeInProcess(args, { cwd: dir });
    const send = () =>
      fetch(`${serve.listening[1]}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'router-difficulty-$5/h', messages: [{ role: 'user', content: 'Prove Fermat' }] }),
      });
    try {
      const probe = await send();
      expect(probe.status).toBe(200);
      await probe.json();
      expect(probe.headers.get('x-routellm-model')).toBe('big');
      expect(Number(probe.headers.get('x-routellm-strong-win-rate'))).toBeLessThan(Number(probe.headers.get('x-routellm-threshold')));
      expect(probe.headers.get('x-routellm-budget-probe')).toBe('1');
      // Its cost is measured now: the next decision is the rule's, unmarked.
      const next = await send();
      expect(next.status).toBe(200);
      await next.json();
      expect(next.headers.get('x-routellm-budget-probe')).toBeNull();
      const requests = serve.log().split('\n').filter((line) => line.includes('"msg":"request"')).map((line) => JSON.parse(line));
      expect(requests.map((line) => [line.routed_model, line.budget_probe])).toEqual([
        ['big', true],
        [next.headers.get('x-routellm-model'), undefined],
      ]);
    } finally {
      expect(await serve.stop()).toBe(0);
    }

    const controller = await Controller.create({
      strongModel: 'big',
      weakModel: 'small',
      baseURL: upstream.baseURL,
      apiKey: 'up',
      prices: { big: { input: 10, output: 30 }, small: { input: 1, output: 1 } },
      env: {},
      logger: { info() {}, warn() {} },
    });
    try {
      const first = await controller.chat.completions.create({ model: 'router-difficulty-$5/h', messages: [{ role: 'user', content: 'Prove Fermat' }] }).withDecision();
      expect(first.decision).toMatchObject({ tier: 'strong', model: 'big', budgetProbe: true });
      expect(first.decision.strongWinRate).toBeLessThan(first.decision.threshold);
      const second = await controller.chat.completions.create({ model: 'router-difficulty-$5/h', messages: [{ role: 'user', content: 'Prove Fermat' }] }).withDecision();
      expect(second.decision.budgetProbe).toBeUndefined();
    } finally {
      await controller.close();
    }
  });

  it('learns the strong cost from its first hard request when the price table\'s prior is 100x too high', async () => {
    // The default router, on a prompt it rates well above its median; $50/h at $10/$30 per million
    // tokens. The prior (1,000 + 500 tokens) says $0.025 a strong call, a 2% share at ~20 requests
    // a second; the echo upstream's answers cost about $0.0003, so every call strong ($25/h at that
    // rate) is within budget.
    const config = join(dir, 'cold.yaml');
    await writeFile(config, 'prices:\n  big: { input: 10, output: 30 }\n  small: { input: 0.5, output: 1 }\n');
    const serve = await startServeInProcess(
      ['--port', '0', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const models: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        const response = await fetch(`${serve.listening[1]}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'router-difficulty-$50/h', messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] }),
        });
        expect(response.status).toBe(200);
        models.push(((await response.json()) as { model: string }).model);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Before: 12 of 12 weak, and the prior never replaced.
      expect(models[0]).toBe('big');
      expect(models.filter((model) => model === 'big').length).toBeGreaterThanOrEqual(11);
      const stats = (await (await fetch(`${serve.listening[1]}/v1/routellm/stats`)).json()) as { shares: { budget: { strong_cost_usd: number } }[] };
      expect(stats.shares[0]?.budget.strong_cost_usd).toBeLessThan(0.001);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('is refused with a 400 when the strong model has no price, and by route (exit 2)', async () => {
    const serve = await startServeInProcess(
      ['--port', '0', '--routers', 'mf', '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'unpriced-big', '--weak-model', 'small'],
      { cwd: dir },
    );
    try {
      const answer = await ask(serve.listening[1] as string, 'router-mf-$20/h');
      expect(answer.status).toBe(400);
      expect(answer.body.error?.message).toContain('the strong model "unpriced-big" has no price, so a budget per hour cannot be held');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    const route = await runCliInProcess(['route', '--router', 'mf', '--threshold', '$20/h', 'hello']);
    expect(route.code).toBe(2);
    expect(route.stderr).toContain('is held on live traffic by routellm serve only');
  });
});

describe('share and budget names chosen by clients', () => {
  it(`serve keeps at most ${MAX_SHARE_TRACKS} of them, dropping the least recently used; a live name keeps its window through a burst of others`, { timeout: 120_000 }, async () => {
    const config = join(dir, 'many-names.yaml');
    await writeFile(config, 'prices:\n  big: { input: 10, output: 30 }\n  small: { input: 0.1, output: 0.1 }\n');
    const serve = await startServeInProcess(
      ['--port', '0', '--config', config, '--base-url', upstream.baseURL, '--api-key', 'up', '--strong-model', 'big', '--weak-model', 'small'],
      { cwd: dir },
    );
    const url = serve.listening[1] as string;
    const stats = async () => ((await (await fetch(`${url}/v1/routellm/stats`)).json()) as { shares: { model: string; window_fill: number }[] }).shares;
    try {
      // A client looping over router-difficulty-0.001%, -$0.001/h, -0.002%, ... while another uses two names all along.
      const rounds = MAX_SHARE_TRACKS + 10;
      for (let index = 1; index <= rounds; index += 1) {
        for (const model of ['router-difficulty-30%', 'router-difficulty-$20/h', `router-difficulty-${index / 1000}%`, `router-difficulty-$${index / 1000}/h`]) {
          expect((await ask(url, model)).status).toBe(200);
        }
      }
      const shares = await stats();
      expect(shares).toHaveLength(MAX_SHARE_TRACKS);
      // The live names were never dropped: every one of their requests is in their windows.
      expect(shares.find((share) => share.model === 'router-difficulty-30%')?.window_fill).toBe(rounds);
      expect(shares.find((share) => share.model === 'router-difficulty-$20/h')?.window_fill).toBe(rounds);
      // The most recent of the burst are kept, the first ones dropped.
      expect(shares.map((share) => share.model)).toContain(`router-difficulty-$${rounds / 1000}/h`);
      expect(shares.map((share) => share.model)).not.toContain('router-difficulty-0.001%');
      // A dropped name comes back cold, as a new name does.
      expect((await ask(url, 'router-difficulty-0.001%')).status).toBe(200);
      expect((await stats()).find((share) => share.model === 'router-difficulty-0.001%')?.window_fill).toBe(1);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
