import { MalformedUpstreamError } from '../upstream/malformed-upstream-error.js';
import { readUsage, type TokenUsage } from '../upstream/price-table.js';
import type { UpstreamResponse } from '../upstream/chat-pass-through.js';

/** Sends one chat-completions body to a model (serve's Upstreams.chat) and returns the answer unread. */
export type ChatSender = (model: string, body: Readonly<Record<string, unknown>>, signal: AbortSignal) => Promise<UpstreamResponse>;

/** What label keeps of one completion. */
export interface ModelAnswer {
  readonly content: string;
  /** Token counts the upstream reported; undefined when it sent none. */
  readonly usage: TokenUsage | undefined;
}

/**
 * One non-streamed completion, read whole: the first choice's text and the usage. A 2xx body
 * that is not a chat completion with string content is a MalformedUpstreamError (worth a retry:
 * a proxy's error page, a cut connection). An empty string is an answer (a model may say nothing;
 * the judge rates that).
 */
export async function completeOnce(send: ChatSender, model: string, body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<ModelAnswer> {
  const response = await send(model, body, signal);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    throw new MalformedUpstreamError(`model "${model}" answered ${response.status} with a body that is not JSON`);
  }
  const choice = (parsed as { choices?: Array<{ message?: { content?: unknown } }> } | null)?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string') {
    throw new MalformedUpstreamError(`model "${model}" answered without choices[0].message.content text`);
  }
  return { content, usage: readUsage((parsed as { usage?: unknown }).usage) };
}
