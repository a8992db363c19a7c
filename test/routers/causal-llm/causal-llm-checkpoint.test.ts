import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/index.js';
import { causalLlmRouterFactory } from '../../../src/routers/causal-llm/causal-llm-router.js';
import { CLASSIFIER_SYSTEM_MESSAGE } from '../../../src/routers/causal-llm/classifier-prompt.js';
import { nodeRouterContext } from '../../../src/runtime/node-router-context.js';
import { startFakeHub, type FakeHub } from '../../helpers/fake-hub.js';
import { startJsonHandlerServer, type JsonHandlerServer } from '../../helpers/json-handler-server.js';
import { judgeCompletion } from '../../helpers/judge-completion.js';

const SYSTEM = 'You are the checkpoint judge. Score 1-5 as [[n]].';
const CLASSIFIER = 'Q: {question}\nScore:';

let hub: FakeHub;
let judge: JsonHandlerServer;
let dir: string;

beforeAll(async () => {
  hub = await startFakeHub([
    {
      type: 'model',
      id: 'routellm/causal_llm_gpt4_augmented',
      revisions: { main: { files: { 'config.json': '{"architectures":["LlamaForCausalLM"]}', 'system_ft_v5.txt': SYSTEM, 'classifier_ft_v5.txt': CLASSIFIER } } },
    },
    { type: 'model', id: 'someone/bare_judge', revisions: { main: { files: { 'config.json': '{}' } } } },
  ]);
  judge = await startJsonHandlerServer((request) => judgeCompletion(request.body.model, '[[5]]', null));
});
afterAll(async () => {
  await hub.close();
  await judge.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causal-hub-'));
  hub.requests.length = 0;
  judge.requests.length = 0;
  return () => rm(dir, { recursive: true, force: true });
});

const context = () => nodeRouterContext({ env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'cache') }, cwd: dir });
const create = (options: Record<string, unknown>) => Promise.resolve().then(() => causalLlmRouterFactory.create(options, context()));

describe('causal_llm with a checkpoint_path (RouteLLM config.example.yaml)', () => {
  it('without base_url: one line saying the checkpoint needs a server of its own, before any download', async () => {
    const error = await create({ checkpoint_path: 'routellm/causal_llm_gpt4_augmented' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'causal_llm: routellm/causal_llm_gpt4_augmented is a fine-tuned causal LLM (RouteLLM\'s is Llama-3-8B) that routellm does not run in-process; ' +
        'serve it with an OpenAI-compatible server (e.g. `vllm serve routellm/causal_llm_gpt4_augmented`) and set causal_llm.base_url to it, e.g. http://127.0.0.1:8000/v1',
    );
    expect(hub.requests).toEqual([]);
  });

  it("with base_url: asks the server for the checkpoint by name, with the prompt files of the checkpoint's repo", async () => {
    const router = await create({ checkpoint_path: 'routellm/causal_llm_gpt4_augmented', base_url: judge.baseURL, logprobs: false });
    expect(await router.strongWinRate('What is 2+2?')).toBe(0);
    const sent = judge.requests.at(-1)!.body;
    expect(sent.model).toBe('routellm/causal_llm_gpt4_augmented');
    expect(sent.messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Q: What is 2+2?\nScore:' },
    ]);
    // Only the prompt files: the weights stay with the server.
    expect([...new Set(hub.requests.map((r) => r.path).filter((p) => p.includes('/resolve/')))].sort()).toEqual([
      '/routellm/causal_llm_gpt4_augmented/resolve/main/classifier_ft_v5.txt',
      '/routellm/causal_llm_gpt4_augmented/resolve/main/system_ft_v5.txt',
    ]);
  });

  it("a checkpoint without prompt files uses RouteLLM's v5 prompt; options win over files", async () => {
    const bare = await create({ checkpoint_path: 'someone/bare_judge', base_url: judge.baseURL, logprobs: false });
    await bare.strongWinRate('hello there');
    expect(judge.requests.at(-1)!.body.messages[0].content).toBe(CLASSIFIER_SYSTEM_MESSAGE);
    const own = await create({ checkpoint_path: 'routellm/causal_llm_gpt4_augmented', base_url: judge.baseURL, logprobs: false, system_message: 'mine', model: 'served-name' });
    await own.strongWinRate('hello again');
    expect(judge.requests.at(-1)!.body.messages[0].content).toBe('mine');
    expect(judge.requests.at(-1)!.body.model).toBe('served-name');
  });
});
