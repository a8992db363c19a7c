import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeInProcess, type ServeInProcess } from '../../helpers/serve-in-process.js';
import { echoReply, lastText, startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

let upstream: UpstreamServer;
beforeAll(async () => {
  // A prompt saying FAIL fails on both models (500): the client gets a 502.
  upstream = await startUpstreamServer({ reply: (request) => (lastText(request.body).includes('FAIL') ? { kind: 'error', status: 500 } : echoReply(request)) });
});
afterAll(async () => {
  await upstream.close();
});

async function serve(strong: string, weak: string): Promise<ServeInProcess> {
  return startServeInProcess(['--port', '0', '--no-probe', '--base-url', upstream.baseURL, '--api-key', 'k', '--strong-model', strong, '--weak-model', weak], { cwd: process.cwd() });
}

async function ask(url: string, model: string, content: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content }] }) });
  await response.arrayBuffer();
  return response.status;
}

/** /metrics as series -> value, the sample lines only. */
async function metrics(url: string): Promise<Map<string, string>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return new Map(text.split('\n').filter((line) => line.startsWith('routellm_')).map((line) => [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1)]));
}

async function stats(url: string): Promise<Record<string, any>> {
  return (await (await fetch(`${url}/v1/routellm/stats`)).json()) as Record<string, any>;
}

describe('/v1/routellm/stats and /metrics agree', () => {
  it('on requests when some fail: every chat request is counted in both, by status, answered or failed', async () => {
    const server = await serve('gpt-4o', 'gpt-4o-mini');
    const url = server.listening[1] as string;
    try {
      const statuses = [];
      for (let i = 0; i < 5; i += 1) statuses.push(await ask(url, 'router-difficulty-0.5', `hello ${i}`));
      for (let i = 0; i < 2; i += 1) statuses.push(await ask(url, 'router-difficulty-0.5', `FAIL ${i}`));
      statuses.push(await ask(url, 'router-nonesuch-0.5', 'hello')); // 400: no such router
      expect(statuses).toEqual([200, 200, 200, 200, 200, 502, 502, 400]);
      const report = await stats(url);
      const series = await metrics(url);
      const byStatus: Record<string, number> = {};
      for (const [name, value] of series) {
        const status = /^routellm_requests_total\{.*status="(\d+)"\}$/.exec(name)?.[1];
        if (status) byStatus[status] = (byStatus[status] ?? 0) + Number(value);
      }
      // Before: stats said requests 5 and nothing of the three failures the metric counted.
      expect(byStatus).toEqual({ '200': 5, '400': 1, '502': 2 });
      expect(report['requests_by_status']).toEqual(byStatus);
      expect(report).toMatchObject({ requests: 5, failed_requests: 3 });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('on spend when the models have no price: unknown in both (null; no strong-only series, saving NaN), never 0', async () => {
    const server = await serve('strong-unpriced', 'weak-unpriced');
    const url = server.listening[1] as string;
    try {
      for (const model of ['router-difficulty-0', 'router-difficulty-1']) expect(await ask(url, model, 'hello')).toBe(200);
      const report = await stats(url);
      const series = await metrics(url);
      expect(report).toMatchObject({ strong_only_spend_usd: null, saving_usd: null, requests: 2 });
      // Before: routellm_strong_only_cost_usd_total 0, which a dashboard shows as "strong-only cost $0".
      expect([...series.keys()].filter((name) => name.startsWith('routellm_strong_only'))).toEqual([]);
      expect(series.get('routellm_saving_usd')).toBe('Nan');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('on spend when the models are priced: the same figures, from the first scrape on', async () => {
    const server = await serve('gpt-4o', 'gpt-4o-mini');
    const url = server.listening[1] as string;
    try {
      // Before any request both say 0 (the stats said null, "no request with usage yet", the metrics 0).
      expect(await stats(url)).toMatchObject({ strong_only_spend_usd: 0, saving_usd: 0 });
      expect((await metrics(url)).get('routellm_saving_usd')).toBe('0');
      for (const model of ['router-difficulty-0', 'router-difficulty-1']) expect(await ask(url, model, 'hello there')).toBe(200);
      const report = await stats(url);
      const series = await metrics(url);
      expect(Number(series.get('routellm_strong_only_cost_usd_total'))).toBeCloseTo(report['strong_only_spend_usd'], 9);
      expect(Number(series.get('routellm_saving_usd'))).toBeCloseTo(report['saving_usd'], 9);
      expect(report['saving_usd']).toBeGreaterThan(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
