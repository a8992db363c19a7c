import { join } from 'node:path';
import { ConfigError, type Router, type RouterContext, type RouterFactory, type RouterOptions } from '../../core/index.js';
import { rejectUnknownOptions } from '../router-options.js';
import { DEFAULT_OPENAI_BASE_URL } from '../../embed/openai-embedder.js';
import { serviceError } from '../../embed/internal/service-error.js';
import { classifierMessages } from './classifier-prompt.js';
import { judgeWinRate, type TokenLogprob } from './judge-score.js';
import { createTypedOpenAIClient } from '../../upstream/typed-openai-client.js';

const OPTION_KEYS = [
  'checkpoint_path',
  'base_url',
  'model',
  'api_key',
  'api_key_env',
  'logprobs',
  'top_logprobs',
  'max_tokens',
  'timeout_ms',
  'system_message',
  'classifier_message',
  'cache_size',
] as const;

/** Settled options of the causal_llm router. */
export interface CausalLlmOptions {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly model: string;
  /** Ask for logprobs of the score token (true) or only parse the score (false). */
  readonly logprobs: boolean;
  readonly topLogprobs: number;
  readonly maxTokens: number;
  readonly timeoutMs: number;
  readonly systemMessage?: string;
  readonly userTemplate?: string;
  /** Win rates remembered per prompt: a judge call is slow and costs money. */
  readonly cacheSize: number;
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * RouteLLM's causal_llm router over any OpenAI-compatible chat endpoint: the judge reads the
 * prompt in RouteLLM's classifier prompt and answers a 1-5 score `[[n]]`. With logprobs the win
 * rate is 1 - P(score >= 4) over the five score tokens at the score's position; without, it is
 * 1 - [score >= 4]; an answer without a valid score routes to the strong model (1). The SDK
 * retries at most once (the request path must not fan out).
 */
export function createCausalLlmRouter(options: CausalLlmOptions): Router {
  const client = createTypedOpenAIClient(options);
  const what = `causal_llm judge ${options.baseURL.replace(/\/+$/, '')}/chat/completions (model ${options.model})`;
  const cache = new Map<string, number>();

  async function judge(prompt: string): Promise<number> {
    let completion;
    try {
      completion = await client.chat.completions.create({
        model: options.model,
        messages: classifierMessages(prompt, {
          ...(options.systemMessage === undefined ? {} : { systemMessage: options.systemMessage }),
          ...(options.userTemplate === undefined ? {} : { userTemplate: options.userTemplate }),
        }),
        // Greedy, as RouteLLM's generate(do_sample=False).
        temperature: 0,
        max_tokens: options.maxTokens,
        ...(options.logprobs ? { logprobs: true, top_logprobs: options.topLogprobs } : {}),
      });
    } catch (error) {
      throw serviceError(what, error);
    }
    const choice = completion.choices?.[0];
    const text = typeof choice?.message?.content === 'string' ? choice.message.content : '';
    const tokens = options.logprobs ? (choice?.logprobs?.content as readonly TokenLogprob[] | null | undefined) : undefined;
    return judgeWinRate(text, tokens).winRate;
  }

  function strongWinRate(prompt: string): number | Promise<number> {
    const cached = cache.get(prompt);
    if (cached !== undefined) return cached;
    return judge(prompt).then((rate) => {
      cache.set(prompt, rate);
      // Oldest first: Map keeps insertion order.
      if (cache.size > options.cacheSize) cache.delete(cache.keys().next().value as string);
      return rate;
    });
  }

  return {
    name: 'causal_llm',
    fingerprint: `causal_llm:${options.baseURL}:${options.model}:${options.logprobs ? `logprobs${options.topLogprobs}` : 'parse'}:${
      options.systemMessage === undefined && options.userTemplate === undefined ? 'routellm-v5' : 'custom-prompt'
    }`,
    strongWinRate,
    async strongWinRates(prompts) {
      // A few judge calls at a time: faster than one by one, gentle on the endpoint's rate limit.
      const rates: number[] = new Array(prompts.length);
      let next = 0;
      const worker = async () => {
        while (next < prompts.length) {
          const index = next++;
          rates[index] = await strongWinRate(prompts[index]!);
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, prompts.length) }, worker));
      return rates;
    },
  };
}

/**
 * Settles causal_llm options, option -> environment -> default: `model` (required), `base_url`
 * (else OPENAI_BASE_URL, else api.openai.com), `api_key`, else the variable named by `api_key_env`
 * (default OPENAI_API_KEY; a local base_url may need none), `logprobs` (true), `top_logprobs` (10),
 * `max_tokens` (16), `timeout_ms` (30000), `system_message` / `classifier_message` (RouteLLM's v5
 * prompt; the classifier message must contain `{question}`), `cache_size` (1024).
 */
export function causalLlmOptions(options: RouterOptions, env: Readonly<Record<string, string | undefined>>): CausalLlmOptions {
  rejectUnknownOptions('causal_llm', options, OPTION_KEYS);
  const text = (key: string): string | undefined => {
    const value = options[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw new ConfigError(`causal_llm.${key} must be a non-empty string`);
    return value;
  };
  const integer = (key: string, min: number, max: number, fallback: number): number => {
    const value = options[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`causal_llm.${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const checkpoint = text('checkpoint_path');
  // RouteLLM's checkpoint (routellm/causal_llm_gpt4_augmented) is a fine-tuned Llama-3-8B: it runs
  // on a server of the user's (vLLM, ...), never on OpenAI's API, so its address must be given.
  if (checkpoint !== undefined && text('base_url') === undefined) {
    throw new ConfigError(
      `causal_llm: ${checkpoint} is a fine-tuned causal LLM (RouteLLM's is Llama-3-8B) that routellm does not run in-process; ` +
        `serve it with an OpenAI-compatible server (e.g. \`vllm serve ${checkpoint}\`) and set causal_llm.base_url to it, e.g. http://127.0.0.1:8000/v1`,
    );
  }
  const model = text('model') ?? checkpoint;
  if (!model) throw new ConfigError('causal_llm.model is required: the judge model served at causal_llm.base_url');
  const baseURL = text('base_url') ?? env['OPENAI_BASE_URL'] ?? DEFAULT_OPENAI_BASE_URL;
  const keyVariable = text('api_key_env') ?? 'OPENAI_API_KEY';
  let apiKey = text('api_key') ?? env[keyVariable];
  if (!apiKey) {
    if (baseURL === DEFAULT_OPENAI_BASE_URL) throw new ConfigError(`causal_llm: no API key for ${baseURL}; set ${keyVariable} or causal_llm.api_key`);
    apiKey = 'no-key'; // local servers often need none, but the SDK insists on one
  }
  const logprobs = options['logprobs'] ?? true;
  if (typeof logprobs !== 'boolean') throw new ConfigError('causal_llm.logprobs must be true or false');
  const userTemplate = text('classifier_message');
  if (userTemplate !== undefined && !userTemplate.includes('{question}')) {
    throw new ConfigError('causal_llm.classifier_message must contain {question}, where the prompt goes');
  }
  const systemMessage = text('system_message');
  return {
    baseURL,
    apiKey,
    model,
    logprobs,
    topLogprobs: integer('top_logprobs', 1, 20, 10),
    maxTokens: integer('max_tokens', 1, 4096, 16),
    timeoutMs: integer('timeout_ms', 1, 600_000, 30_000),
    cacheSize: integer('cache_size', 1, 10_000_000, 1024),
    ...(systemMessage === undefined ? {} : { systemMessage }),
    ...(userTemplate === undefined ? {} : { userTemplate }),
  };
}

/** RouteLLM's prompt files in its causal_llm checkpoint repo, which its router downloads with the weights. */
export const CHECKPOINT_PROMPT_FILES = { system: 'system_ft_v5.txt', classifier: 'classifier_ft_v5.txt' } as const;

/**
 * The prompts a `checkpoint_path` carries (RouteLLM's repo has system_ft_v5.txt and
 * classifier_ft_v5.txt beside the weights, downloaded from the hub for a hub id); the options'
 * own system_message / classifier_message win, and a file the checkpoint lacks leaves the
 * built-in copy of RouteLLM's v5 prompt. The weights themselves are never fetched: the server at
 * base_url runs them.
 */
async function checkpointPrompts(options: RouterOptions, context: RouterContext): Promise<{ system_message?: string; classifier_message?: string }> {
  const checkpoint = options['checkpoint_path'];
  if (typeof checkpoint !== 'string' || checkpoint === '') return {};
  const wanted = Object.values(CHECKPOINT_PROMPT_FILES);
  const repo = await context.hub?.repoOf(checkpoint);
  let paths: Record<string, string | undefined>;
  if (repo !== undefined && context.hub) {
    paths = await context.hub.modelFiles(repo, wanted, { optional: wanted, purpose: 'causal_llm.checkpoint_path' });
  } else {
    paths = Object.fromEntries(wanted.map((file) => [file, join(checkpoint, file)]));
  }
  const read = async (file: string): Promise<string | undefined> => {
    const path = paths[file];
    if (path === undefined) return undefined;
    try {
      return new TextDecoder().decode(await context.readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw new ConfigError(`causal_llm: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  const [system, classifier] = await Promise.all([read(CHECKPOINT_PROMPT_FILES.system), read(CHECKPOINT_PROMPT_FILES.classifier)]);
  return {
    ...(system !== undefined && options['system_message'] === undefined ? { system_message: system } : {}),
    ...(classifier !== undefined && options['classifier_message'] === undefined ? { classifier_message: classifier } : {}),
  };
}

/** The `causal_llm` factory: needs a network judge, so not offline. */
export const causalLlmRouterFactory: RouterFactory = {
  name: 'causal_llm',
  description: "RouteLLM's LLM-judge router over an OpenAI-compatible endpoint; options: model, base_url, api_key/api_key_env, logprobs, checkpoint_path",
  offline: false,
  async create(options: RouterOptions, context: RouterContext) {
    // Options are checked before anything is fetched: a missing base_url must not wait for a download.
    causalLlmOptions(options, context.env);
    const prompts = await checkpointPrompts(options, context);
    return createCausalLlmRouter({ ...causalLlmOptions({ ...options, ...prompts }, context.env), fetch: context.fetch });
  },
};
