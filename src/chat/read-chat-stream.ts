import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { readUsage, type TokenUsage } from '../upstream/price-table.js';

/** A streamed answer read whole: its text, the model that wrote it, and its usage. */
export interface StreamedAnswer {
  readonly content: string;
  /** The chunks' `model`: the model that answered. */
  readonly model: string | undefined;
  readonly usage: TokenUsage | undefined;
}

/**
 * Reads a chat completion stream (the `openai` package's, from serve or the in-process Controller):
 * the text as it grows goes to `onText`; the last chunk's `usage` (asked for with
 * `stream_options.include_usage`) is kept for the cost.
 */
export async function readChatStream(stream: AsyncIterable<ChatCompletionChunk>, onText: (soFar: string) => void): Promise<StreamedAnswer> {
  let content = '';
  let model: string | undefined;
  let usage: TokenUsage | undefined;
  for await (const chunk of stream) {
    model ??= chunk.model;
    if (chunk.usage) usage = readUsage(chunk.usage);
    const text = chunk.choices[0]?.delta?.content;
    if (text) {
      content += text;
      onText(content);
    }
  }
  return { content, model, usage };
}
