import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeChild, type ServeChild } from '../../helpers/serve-child.js';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

// A server whose calibration table cannot cut shares (here ROUTELLM_CALIBRATION_TABLE names a
// file that is not there) answers router-<r>-50% with a 400. GET /v1/models listed exactly those
// names, and /v1/models/{id} answered 200 for them (QA-FINDINGS-6 H).
let upstream: UpstreamServer;
let dir: string;
let serve: ServeChild;
beforeAll(async () => {
  upstream = await startUpstreamServer({ models: ['strong-m', 'weak-m'], reply: () => ({ kind: 'json', content: 'ok' }) });
  dir = await mkdtemp(join(tmpdir(), 'routellm-models-refused-'));
  serve = await startServeChild(['--port', '0', '--base-url', upstream.baseURL, '--strong-model', 'strong-m', '--weak-model', 'weak-m', '--routers', 'difficulty', 'random'], {
    cwd: dir,
    env: { ROUTELLM_CALIBRATION_TABLE: join(dir, 'missing.json') },
  });
});
afterAll(async () => {
  await serve.stop();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /v1/models when shares are refused', () => {
  it('lists only names the server answers, and /v1/models/{id} 404s a refused share with the reason', async () => {
    const refused = await fetch(`${serve.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'router-difficulty-50%', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(refused.status).toBe(400);
    const reason = ((await refused.json()) as { error: { message: string } }).error.message;

    const list = (await (await fetch(`${serve.url}/v1/models`)).json()) as { object: string; data: { id: string }[] };
    expect(list).toEqual({ object: 'list', data: [] });

    const lookup = await fetch(`${serve.url}/v1/models/router-difficulty-50%25`);
    expect(lookup.status).toBe(404);
    expect(await lookup.json()).toEqual({
      error: { message: `model "router-difficulty-50%" is not a model this server answers (${reason}); GET /v1/models lists the ones it does`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    });
    // A threshold is still answered, and found.
    expect((await fetch(`${serve.url}/v1/models/router-difficulty-0.3`)).status).toBe(200);
    // A name of no loaded router keeps the general 404.
    expect(((await (await fetch(`${serve.url}/v1/models/router-nope-50%25`)).json()) as { error: { message: string } }).error.message).toContain('is not a model this server routes');
  });
});
