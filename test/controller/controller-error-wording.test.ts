import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerChatBackend } from '../../src/chat/controller-chat-backend.js';
import { ConfigError, RoutingError, UsageError, type Router } from '../../src/core/index.js';
import { Controller } from '../../src/controller/controller.js';
import { logMessages } from '../helpers/log-messages.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

/** A router made in the program, loaded beside a built-in one. */
const lengthRouter: Router = { name: 'length', fingerprint: 'length-v1', strongWinRate: async (prompt) => Math.min(1, prompt.length / 300) };
const PROVIDERS = { strongModel: 'gpt-4o', weakModel: 'groq/llama-3.1-8b-instant' };

let upstream: UpstreamServer;
let controller: Controller;
const warnings: string[] = [];
beforeAll(async () => {
  upstream = await startUpstreamServer();
  controller = await Controller.create({
    routers: ['random', lengthRouter],
    strongModel: 'strong-m',
    weakModel: 'weak-m',
    baseURL: upstream.baseURL,
    env: {},
    logger: { info() {}, warn: (_fields, message) => warnings.push(message) },
  });
});
afterAll(async () => {
  await controller.close();
  await upstream.close();
});

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("the library's errors name what a program can change", () => {
  it('a missing key names the apiKey and baseURL options, not the flags', async () => {
    const error = await refusal(Controller.create({ routers: ['random'], ...PROVIDERS, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('OPENAI_API_KEY is not set; export OPENAI_API_KEY, or pass apiKey (with baseURL for another endpoint)');
    expect(error.message).toContain('GROQ_API_KEY is not set; export GROQ_API_KEY, or pass apiKey');
    expect(error.message).not.toMatch(/--[a-z]/);
  });

  it('a bad baseURL, an empty model and an unknown provider prefix name the options too', async () => {
    expect((await refusal(Controller.create({ routers: ['random'], strongModel: 's', weakModel: 'w', baseURL: 'not a url', env: {} }))).message).toBe(
      'baseURL: "not a url" is not a URL; expected e.g. http://localhost:8000/v1',
    );
    const empty = await refusal(Controller.create({ routers: ['random'], strongModel: ' ', weakModel: 'w', baseURL: upstream.baseURL, env: {} }));
    expect(empty).toBeInstanceOf(UsageError);
    expect(empty.message).toBe("strongModel is empty: give a model name, e.g. strongModel: 'gpt-4o', or leave the option out");
    const prefix = await refusal(Controller.create({ routers: ['random'], strongModel: 'gpt-4o', weakModel: 'mistralai/Mixtral-8x7B-Instruct-v0.1', env: { OPENAI_API_KEY: 'k' } }));
    expect(prefix.message).toContain("pass weakModel: 'together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1' (with TOGETHERAI_API_KEY set), another <provider>/<model>, or baseURL: '<url>'");
  });

  it("an upstream's 401 with no key configured names the apiKey option and the Controller, not the gateway", async () => {
    const refusing = await startUpstreamServer({ reply: () => ({ kind: 'error', status: 401, body: { error: { message: 'missing key', type: 'invalid_request_error', param: null, code: null } } }) });
    const unkeyed = await Controller.create({ routers: ['random'], strongModel: 'strong-m', weakModel: 'weak-m', baseURL: refusing.baseURL, env: {}, logger: { info() {}, warn() {} } });
    try {
      const error = await refusal(unkeyed.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }] }));
      expect(error.message).toContain("refused the Controller's request (401: missing key); no API key was sent (none is configured); pass apiKey");
      expect(error.message).not.toContain('--api-key');
    } finally {
      await unkeyed.close();
      await refusing.close();
    }
  });

  it('an unknown router lists the routers loaded, not "this server has"', async () => {
    const error = await refusal(controller.route('hi', 'nope', '50%'));
    expect(error).toBeInstanceOf(RoutingError);
    expect(error.message).toBe('unknown router "nope"; loaded routers: random, length (Controller.create\'s routers option loads others)');
  });
});

describe('the CLI keeps its words', () => {
  it('serve names the flags for a missing key', async () => {
    const result = await runCliInProcess(['serve', '--port', '0', '--no-probe', '--strong-model', PROVIDERS.strongModel, '--weak-model', PROVIDERS.weakModel], { env: {} });
    expect(result.code).toBe(2);
    expect(logMessages(result.stderr)).toContain('export OPENAI_API_KEY, or pass --api-key (with --base-url for another endpoint)');
  });

  it('routellm chat in this process (a Controller inside) names the flags too', async () => {
    const error = await refusal(controllerChatBackend({ routers: ['random'], ...PROVIDERS, env: {} }));
    expect(error.message).toContain('export OPENAI_API_KEY, or pass --api-key (with --base-url for another endpoint)');
  });
});
