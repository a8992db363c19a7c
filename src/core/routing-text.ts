import { RoutingError } from './errors.js';

/**
 * The text a router scores: the last message's content, as the Python RouteLLM does.
 * Content given as an array of parts routes on its text parts joined by newlines;
 * images and audio carry no text and are skipped.
 */
export function routingText(messages: unknown): string {
  const list = validateMessages(messages);
  const last = list[list.length - 1] as Record<string, unknown>;
  const content = last['content'];
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts: string[] = [];
    content.forEach((part, index) => {
      if (part === null || typeof part !== 'object') {
        throw new RoutingError(`messages[${list.length - 1}].content[${index}] must be an object`, {
          param: `messages.[${list.length - 1}].content`,
          code: 'invalid_content',
        });
      }
      const text = (part as Record<string, unknown>)['text'];
      if ((part as Record<string, unknown>)['type'] === 'text' && typeof text === 'string') texts.push(text);
    });
    return texts.join('\n');
  }
  throw new RoutingError(`messages[${list.length - 1}].content must be a string or an array of content parts`, {
    param: `messages.[${list.length - 1}].content`,
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
