import OpenAI from 'openai';

/**
 * The official SDK client for the typed calls a router makes on the request path (embeddings,
 * the causal_llm judge). It retries at most once: the SDK's default two retries with backoff
 * would multiply a client's own retries.
 */
export function createTypedOpenAIClient(options: {
  readonly apiKey: string;
  readonly baseURL: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof globalThis.fetch;
}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 1,
    timeout: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
