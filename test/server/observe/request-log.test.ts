import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestLog } from '../../../src/server/observe/request-log.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const record = {
  requestId: 'req_1',
  method: 'POST',
  path: '/v1/chat/completions',
  status: 200,
  latencyMs: 12.34567,
  router: 'mf',
  threshold: 0.116,
  strongWinRate: 0.2,
  routedModel: 'weak',
  model: 'weak',
  attempts: 1,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.00001,
  prompt: 'my secret prompt',
};

describe('RequestLog', () => {
  it('writes one JSON line per request with the routing fields, and no prompt by default', () => {
    const out = capture();
    new RequestLog({ destination: out.stream }).request(record);
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request',
      request_id: 'req_1',
      router: 'mf',
      threshold: 0.116,
      strong_win_rate: 0.2,
      model: 'weak',
      status: 200,
      latency_ms: 12.346,
      input_tokens: 10,
      output_tokens: 5,
      cost_usd: 0.00001,
    });
    expect(JSON.stringify(lines)).not.toContain('my secret prompt');
  });

  it('logs the prompt only with --log-prompts', () => {
    const out = capture();
    new RequestLog({ destination: out.stream, logPrompts: true }).request(record);
    expect(out.lines()[0]?.['prompt']).toBe('my secret prompt');
  });

  it('levels by status and redacts key fields should one ever be logged', () => {
    const out = capture();
    const log = new RequestLog({ destination: out.stream });
    log.request({ ...record, status: 502, error: 'upstream failed' });
    log.logger.info({ headers: { authorization: 'Bearer sk-leak' }, apiKey: 'sk-leak2' }, 'stray');
    const lines = out.lines();
    expect(lines[0]?.['level']).toBe(50);
    expect(JSON.stringify(lines)).not.toContain('sk-leak');
    expect((lines[1]?.['headers'] as Record<string, unknown>)['authorization']).toBe('[redacted]');
  });

  it('holding lines, hands them over once per turn of the event loop, in order, and on flush', async () => {
    const out = capture();
    const writes: string[] = [];
    out.stream.on('data', (chunk: Buffer) => writes.push(chunk.toString('utf8')));
    const log = new RequestLog({ destination: out.stream, holdLines: true });
    log.request({ ...record, requestId: 'req_a' });
    log.request({ ...record, requestId: 'req_b' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(out.lines().map((line) => line['request_id'])).toEqual(['req_a', 'req_b']);
    // The logger's own lines come after the request lines held before them; flush hands over at once.
    log.request({ ...record, requestId: 'req_c' });
    log.logger.info('own line');
    log.request({ ...record, requestId: 'req_d' });
    log.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.lines().map((line) => line['request_id'] ?? line['msg'])).toEqual(['req_a', 'req_b', 'req_c', 'own line', 'req_d']);
  });
});
