import { estimateTokens } from '../estimate-tokens.js';

/** A request's input and output tokens, as the rule over a list prices each model at them. */
export interface RequestTokens {
  readonly input: number;
  readonly output: number;
}

/**
 * The request the knob is defined at (docs/multi-model.md): 1,000 input and 500 output tokens, as
 * the budget's prior. Its step from the cheapest model to the reference is one unit of the rule's
 * cost scale, whatever the length of the request being decided.
 */
export const TYPICAL_REQUEST_TOKENS: RequestTokens = { input: 1000, output: 500 };

/**
 * The tokens of a prompt sent alone (`route`, `Controller.decide`): its estimated tokens in, and the
 * typical answer out.
 */
export function promptTokens(prompt: string): RequestTokens {
  return { input: estimateTokens(prompt), output: TYPICAL_REQUEST_TOKENS.output };
}

/**
 * The tokens of a chat request body: every message's text in (estimateTokens, as label's cost plan
 * counts), and out the typical answer, or `max_completion_tokens` / `max_tokens` when it caps the
 * answer below that. Lenient: the request guard and the upstream judge the body's shape; parts
 * without text (images, audio) count only their message frame.
 */
export function requestTokens(body: Readonly<Record<string, unknown>>): RequestTokens {
  let input = 0;
  const messages = body['messages'];
  if (Array.isArray(messages)) for (const message of messages) input += estimateTokens(textOf(message));
  const cap = body['max_completion_tokens'] ?? body['max_tokens'];
  const output = typeof cap === 'number' && Number.isInteger(cap) && cap >= 1 ? Math.min(cap, TYPICAL_REQUEST_TOKENS.output) : TYPICAL_REQUEST_TOKENS.output;
  return { input, output };
}

function textOf(message: unknown): string {
  if (message === null || typeof message !== 'object') return '';
  const content = (message as Record<string, unknown>)['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const value = part !== null && typeof part === 'object' ? (part as Record<string, unknown>)['text'] : undefined;
    if (typeof value === 'string') text += value;
  }
  return text;
}
