import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProxy, type Proxy } from '../../helpers/proxy-harness.js';

let proxy: Proxy;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

const chunk = (content: string) =>
  JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'weak-model', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

async function streamText() {
  const stream = await proxy.client.chat.completions.create({ model: 'router-random-1', messages: [{ role: 'user', content: 'x' }], stream: true });
  let text = '';
  const error = await (async () => {
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
  })().catch((e: unknown) => e);
  return { text, error };
}

it('relays events split across TCP chunks, mid-line and mid-event, intact', async () => {
  const body = `data: ${chunk('Hel')}\n\ndata: ${chunk('lo')}\n\ndata: [DONE]\n\n`;
  proxy.upstream.reply = () => ({ kind: 'raw-stream', chunks: [body.slice(0, 7), body.slice(7, 60), body.slice(60, body.length - 3), body.slice(body.length - 3)] });
  expect(await streamText()).toEqual({ text: 'Hello', error: undefined });
});

it('relays CRLF-delimited SSE as it arrives and never cuts a CRLF event in half', async () => {
  const events = `data: ${chunk('one ')}\r\n\r\ndata: ${chunk('two ')}\r\n\r\n`;
  const cut = `data: ${chunk('three')}`;
  proxy.upstream.reply = () => ({ kind: 'raw-stream', chunks: [events, cut.slice(0, 30)], drop: true });
  const { text, error } = await streamText();
  expect(text).toBe('one two ');
  expect((error as Error).message).toContain('ended early');
});
