import { RoutingError } from './errors.js';

/** Roles whose text states the task when no user message has any: a request of instructions only. */
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

/**
 * The text a router scores for a chat request: what the model is asked to do now, which is the
 * last user message that has text. The Python RouteLLM scores `messages[-1]` whatever its role;
 * in an agent loop that is a tool's output (`{"temperature": 21}`) or the assistant's own words,
 * so every turn after the first tool call would be routed on data, not on the task. So:
 * - tool (and legacy function) results and assistant messages are passed over;
 * - content given as an array of parts routes on its text parts joined by newlines; images,
 *   audio and files carry no text for a router and are skipped, and a user message of only
 *   such parts passes to the user message before it (the instruction the attachment follows);
 * - with no user text at all, the last system/developer message's text (the instructions are
 *   the task), else the last message's text, as RouteLLM.
 * Only the messages read are checked; the upstream validates the rest.
 */
export function routingText(messages: unknown): string {
  const list = validateMessages(messages);
  for (const roles of [new Set(['user']), INSTRUCTION_ROLES]) {
    for (let index = list.length - 1; index >= 0; index -= 1) {
      const message = list[index] as Record<string, unknown>;
      if (!roles.has(message['role'] as string)) continue;
      const text = messageText(message, index);
      if (text.trim() !== '') return text;
    }
  }
  return messageText(list[list.length - 1] as Record<string, unknown>, list.length - 1);
}

/** A message's text: its string content, or its text parts joined by newlines; '' for none. */
function messageText(message: Record<string, unknown>, index: number): string {
  const content = message['content'];
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts: string[] = [];
    content.forEach((part, partIndex) => {
      if (part === null || typeof part !== 'object') {
        throw new RoutingError(`messages[${index}].content[${partIndex}] must be an object`, {
          param: `messages.[${index}].content`,
          code: 'invalid_content',
        });
      }
      const text = (part as Record<string, unknown>)['text'];
      if ((part as Record<string, unknown>)['type'] === 'text' && typeof text === 'string') texts.push(text);
    });
    return texts.join('\n');
  }
  throw new RoutingError(`messages[${index}].content must be a string or an array of content parts`, {
    param: `messages.[${index}].content`,
    code: 'invalid_content',
  });
}

/** Checks the shape every OpenAI endpoint requires: a non-empty array of objects with a role. */
export function validateMessages(messages: unknown): readonly unknown[] {
  if (messages === undefined) {
    throw new RoutingError('missing required parameter: messages', { param: 'messages', code: 'missing_required_parameter' });
  }
  if (!Array.isArray(messages)) {
    throw new RoutingError('messages must be an array of message objects', { param: 'messages', code: 'invalid_type' });
  }
  if (messages.length === 0) {
    throw new RoutingError('messages must contain at least one message', { param: 'messages', code: 'empty_array' });
  }
  messages.forEach((message, index) => {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw new RoutingError(`messages[${index}] must be an object`, { param: `messages.[${index}]`, code: 'invalid_type' });
    }
    if (typeof (message as Record<string, unknown>)['role'] !== 'string') {
      throw new RoutingError(`messages[${index}].role must be a string`, { param: `messages.[${index}].role`, code: 'invalid_type' });
    }
  });
  return messages;
}

/** The most characters a router ever scores; every benchmark and training prompt here is shorter (max 4,868). */
export const MAX_ROUTING_CHARS = 8000;

/**
 * The part of a prompt a router scores: all of it up to MAX_ROUTING_CHARS, else its first and
 * last halves of that, joined by a newline. Routing cost (tokenizing, embedding, an LLM judge's
 * tokens) would otherwise grow with the prompt, and a 10 MB prompt exhausts the heap; the head
 * keeps the task, the tail the question that usually ends a long document. Idempotent.
 */
export function boundedRoutingText(text: string): string {
  if (text.length <= MAX_ROUTING_CHARS) return text;
  const half = MAX_ROUTING_CHARS / 2;
  let headEnd = half;
  // Never split a surrogate pair: a lone half would reach the tokenizer as U+FFFD.
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd -= 1;
  let tailStart = text.length - (MAX_ROUTING_CHARS - headEnd - 1);
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart += 1;
  return `${text.slice(0, headEnd)}\n${text.slice(tailStart)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
