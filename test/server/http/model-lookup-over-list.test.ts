import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeInProcess, type ServeInProcess } from '../../helpers/serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
let serve: ServeInProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startUpstreamServer({ reply: () => ({ kind: 'json', content: 'ok' }) });
  dir = await mkdtemp(join(tmpdir(), 'routellm-model-lookup-'));
  const config = join(dir, 'models.yaml');
  await writeFile(
    config,
    `models:
  - name: small
    base_url: ${upstream.baseURL}
    scored_as: mistralai/mistral-7b-chat
    price: { input: 0.2, output: 0.2 }
  - name: big
    base_url: ${upstream.baseURL}
    scored_as: gpt-4-1106-preview
    price: { input: 10, output: 30 }
`,
  );
  serve = await startServeInProcess(['--port', '0', '--no-probe', '--config', config], { cwd: dir });
  client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'any', maxRetries: 0 });
});
afterAll(async () => {
  await serve.stop();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /v1/models/{model} over a models: list', () => {
  it('accepts a knob above 1, and its 404 says what a list takes (it said "a threshold in [0, 1] or a share like 50%")', async () => {
    expect(await client.models.retrieve('router-knn-1.5')).toMatchObject({ id: 'router-knn-1.5', object: 'model' });
    const error = await client.models.retrieve('nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect((error as NotFoundError).message).toContain('any router-<router>-<threshold> with a knob >= 0 or a cost share like 30% works');
  });
});
