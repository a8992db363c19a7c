import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerChatBackend } from '../../src/chat/controller-chat-backend.js';
import { serveChatBackend } from '../../src/chat/serve-chat-backend.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { writeThreeModelList } from '../helpers/three-model-list.js';
import { echoReply, startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

let upstream: UpstreamServer;
let dir: string;
let config: string;
beforeAll(async () => {
  upstream = await startUpstreamServer({ reply: echoReply });
  dir = await mkdtemp(join(tmpdir(), 'routellm-chat-list-'));
  config = join(dir, 'models.yaml');
  await writeThreeModelList(config, upstream.baseURL);
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const PROMPT = [{ role: 'user' as const, content: 'Prove that the square root of 2 is irrational.' }];

describe('routellm chat over a models: list: the answering model\'s predicted quality, in-process and through serve alike', () => {
  it('reads it from the decision in-process, and from x-routellm-quality through serve: the same number', async () => {
    const local = await controllerChatBackend({ config, cwd: dir, env: {} });
    const inProcess = await local.send(PROMPT, 'router-knn-0.2', new AbortController().signal, () => {});
    await local.close();
    expect(inProcess.strongWinRate).toBeUndefined();
    expect(inProcess.quality).toBeGreaterThan(0);
    expect(inProcess.quality).toBeLessThan(1);

    const serve = await startServeInProcess(['--config', config, '--port', '0', '--no-probe'], { cwd: dir });
    try {
      const remote = await serveChatBackend({ url: `${serve.listening[1]}/v1` });
      // Each list entry's own price, as serve bills it: chat prices its answers with them.
      expect(remote.prices).toEqual({ 'local-7b': { input: 0.1, output: 0.1 }, 'yi-34b': { input: 0.8, output: 0.8 }, frontier: { input: 10, output: 30 } });
      const served = await remote.send(PROMPT, 'router-knn-0.2', new AbortController().signal, () => {});
      expect(served.model).toBe(inProcess.model);
      expect(served.quality).toBeCloseTo(inProcess.quality as number, 9);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
