import { describe, expect, it } from 'vitest';
import { RoutingError, routingText } from '../../src/core/index.js';

const task = 'Prove that every bounded monotone sequence converges, then design a distributed lock service.';
const toolCall = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] };
const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } };

describe('routingText: the text a router scores for a chat request', () => {
  it('is the last user message when the conversation ends with a tool result, however many tool rounds followed it', () => {
    const toolResult = { role: 'tool', tool_call_id: 'c1', content: '{"temperature": 21, "unit": "C"}' };
    expect(routingText([{ role: 'user', content: task }, toolCall, toolResult])).toBe(task);
    expect(routingText([{ role: 'system', content: 'You are an agent.' }, { role: 'user', content: task }, toolCall, toolResult, toolCall, { role: 'tool', tool_call_id: 'c1', content: '42' }])).toBe(task);
    // Tool output given as content parts, and the legacy function role, are passed over too.
    expect(routingText([{ role: 'user', content: task }, toolCall, { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '[{"order": 1}]' }] }])).toBe(task);
    expect(routingText([{ role: 'user', content: task }, { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }, { role: 'function', name: 'f', content: '42' }])).toBe(task);
  });

  it("passes over the assistant's own words (a prefill, or a conversation sent for continuation)", () => {
    expect(routingText([{ role: 'user', content: 'what is 2+2' }, { role: 'assistant', content: 'Let me think step by step about a proof' }])).toBe('what is 2+2');
  });

  it('takes the newest user turn of a multi-turn chat, not an earlier one', () => {
    expect(routingText([{ role: 'user', content: task }, { role: 'assistant', content: 'done' }, { role: 'user', content: 'thanks!' }])).toBe('thanks!');
  });

  it('reads the text parts of content arrays; a user turn of only images defers to the user text before it', () => {
    const parts = [{ type: 'text', text: 'describe' }, image, { type: 'text', text: 'this image' }];
    expect(routingText([{ role: 'user', content: 'hello' }, { role: 'user', content: parts }])).toBe('describe\nthis image');
    expect(routingText([{ role: 'user', content: 'Transcribe the handwriting in each image I send.' }, { role: 'assistant', content: 'Send it.' }, { role: 'user', content: [image] }])).toBe(
      'Transcribe the handwriting in each image I send.',
    );
    // Blank user text carries no task either.
    expect(routingText([{ role: 'user', content: task }, { role: 'user', content: '  \n' }])).toBe(task);
  });

  it('with no user text, routes on the instructions (system, developer), else on the last message as RouteLLM', () => {
    expect(routingText([{ role: 'system', content: 'Summarise the attached contract.' }])).toBe('Summarise the attached contract.');
    expect(routingText([{ role: 'developer', content: 'Write a sonnet.' }, { role: 'user', content: [image] }])).toBe('Write a sonnet.');
    expect(routingText([{ role: 'user', content: [image] }])).toBe('');
    expect(routingText([{ role: 'assistant', content: 'only me' }])).toBe('only me');
    expect(routingText([toolCall])).toBe('');
  });

  it('checks the messages it reads, and only those: a malformed tool result is the upstream’s to refuse', () => {
    expect(() => routingText([{ role: 'user', content: 42 }])).toThrow(RoutingError);
    expect(() => routingText([{ role: 'system', content: 'x' }, { role: 'user', content: ['x'] }])).toThrow('messages[1].content[0] must be an object');
    expect(routingText([{ role: 'user', content: task }, { role: 'tool', tool_call_id: 'c1', content: 42 }])).toBe(task);
  });
});
