import { render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatApp } from '../../src/chat/chat-app.js';
import type { ChatBackend } from '../../src/chat/chat-backend.js';
import { controllerChatBackend } from '../../src/chat/controller-chat-backend.js';
import { NoticeFeed } from '../../src/chat/notice-feed.js';
import { serveChatBackend } from '../../src/chat/serve-chat-backend.js';
import { PriceTable } from '../../src/upstream/price-table.js';
import { keywordRouter } from '../helpers/proxy-harness.js';
import { startServeInProcess, type ServeInProcess } from '../helpers/serve-in-process.js';
import { echoReply, startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

const PRICES = { 'strong-model': { input: 10, output: 30 }, 'weak-model': { input: 1, output: 2 } };
const ENTER = '\r';
const TAB = '\t';
const UP = '\u001b[A';
const DOWN = '\u001b[B';
const CTRL_T = '\u0014';
const CTRL_C = '\u0003';

let upstream: UpstreamServer;
let inProcess: ChatBackend;
let notices: NoticeFeed;
const early: string[] = [];
beforeAll(async () => {
  upstream = await startUpstreamServer();
  notices = new NoticeFeed((line) => early.push(line));
  inProcess = await controllerChatBackend({
    routers: [keywordRouter, 'random'],
    strongModel: 'strong-model',
    weakModel: 'weak-model',
    baseURL: upstream.baseURL,
    env: {},
    logger: { info() {}, warn: (_fields, message) => notices.push(message) },
  });
});
afterEach(() => {
  upstream.reply = echoReply;
});
afterAll(async () => {
  await inProcess.close();
  await upstream.close();
});

/** A clock that moves 812 ms between reads (the call, its first text, its end): each answer reads 1624 ms, first text 812 ms. */
function steppingClock(): () => number {
  let time = 0;
  return () => (time += 812);
}

/**
 * Types `keys` one write at a time, as a terminal sends them, letting ink handle each. Waits first until
 * the chat reads keys: the testing library's stdin keeps only the last write nobody has read yet.
 */
async function type(stdin: { write(data: string): void; listenerCount(event: string): number }, ...keys: string[]): Promise<void> {
  for (let waited = 0; stdin.listenerCount('readable') === 0; waited += 10) {
    if (waited > 5000) throw new Error('the chat never read its keys');
    await tick();
  }
  for (const key of keys) {
    stdin.write(key);
    await tick();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * Waits until the screen shows `text` (the transcript scrolls out of ink's dynamic frame into its static
 * output). Lines the terminal's width wrapped are read joined again, as one reads them.
 */
async function screenShows(screen: () => string | undefined, text: string | RegExp): Promise<string> {
  for (let waited = 0; waited < 5000; waited += 10) {
    const frame = (screen() ?? '').replace(/\n/g, ' ');
    if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
    await tick();
  }
  throw new Error(`the screen never showed ${String(text)}; it shows:\n${screen()}`);
}

function renderChat(backend: ChatBackend, threshold: Parameters<typeof ChatApp>[0]['threshold'] = { kind: 'win-rate', value: 0.5 }) {
  const app = render(<ChatApp backend={backend} prices={new PriceTable(PRICES)} router={backend.routers[0]!} threshold={threshold} colour={false} notices={notices} now={steppingClock()} />);
  const screen = () => app.frames.join('\n');
  return { app, screen };
}

describe('routellm chat (in-process, through the library Controller)', () => {
  it('answers each turn beside the model, which side, win rate against threshold, router, latency and cost', async () => {
    const { app, screen } = renderChat(inProcess);
    try {
      await screenShows(() => app.lastFrame(), 'router keyword (1/2) · win rate ≥ 0.5 · in-process');
      await type(app.stdin, 'a HARD question', ENTER);
      // 10 prompt tokens at $10/M and 4 completion tokens ("echo: a HARD question") at $30/M.
      await screenShows(screen, 'strong-model (strong) · win rate 0.900 ≥ 0.5 · keyword · 1624 ms (first text 812 ms) · $0.00022');
      expect(screen()).toContain('echo: a HARD question');
      // Text and Enter in one read, as a fast typist's keys or a script's come.
      await type(app.stdin, `hi${ENTER}`);
      // 10 prompt tokens at $1/M and 2 completion tokens at $2/M.
      await screenShows(screen, 'weak-model (weak) · win rate 0.100 < 0.5 · keyword · 1624 ms (first text 812 ms) · $0.000014');
      // The second turn carried the whole conversation upstream.
      expect(upstream.requests.at(-1)!.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user']);
    } finally {
      app.unmount();
    }
  });

  it('Tab changes the router, ↑/↓ the threshold, Ctrl-T switches to a share, and the next turn uses them', async () => {
    const { app, screen } = renderChat(inProcess);
    try {
      await type(app.stdin, TAB);
      await screenShows(() => app.lastFrame(), 'router random (2/2)');
      await type(app.stdin, TAB);
      await screenShows(() => app.lastFrame(), 'router keyword (1/2)');
      await type(app.stdin, TAB);
      await screenShows(() => app.lastFrame(), 'router random (2/2)');
      await type(app.stdin, UP);
      // More strong: a lower win-rate threshold.
      await screenShows(() => app.lastFrame(), 'win rate ≥ 0.45');
      await type(app.stdin, DOWN, DOWN, DOWN);
      await screenShows(() => app.lastFrame(), 'win rate ≥ 0.6');
      await type(app.stdin, 'what is 2 + 2?', ENTER);
      await screenShows(screen, /model \((strong|weak)\) · win rate 0\.\d{3} [≥<] 0\.6 · random · 1624 ms \(first text 812 ms\)/);
      await type(app.stdin, CTRL_T);
      await screenShows(() => app.lastFrame(), '50% strong');
      await type(app.stdin, UP);
      await screenShows(() => app.lastFrame(), '60% strong');
      // The keyword router has no calibration table: a share is refused, said on one line, and the chat goes on.
      await type(app.stdin, TAB, 'a HARD question', ENTER);
      await screenShows(screen, /error: .*keyword/);
      // Back to a win rate: the threshold in force on the last answer.
      await type(app.stdin, CTRL_T);
      await screenShows(() => app.lastFrame(), 'win rate ≥ 0.6');
      await type(app.stdin, 'a HARD question', ENTER);
      await screenShows(screen, /strong-model \(strong\) · win rate 0\.900 ≥ 0\.6 · keyword/);
    } finally {
      app.unmount();
    }
  });

  it("shows a fallback as such, with the Controller's warning in the transcript", async () => {
    upstream.reply = (request) => (request.body.model === 'weak-model' ? { kind: 'error', status: 500 } : echoReply(request));
    const { app, screen } = renderChat(inProcess);
    try {
      await type(app.stdin, 'hi', ENTER);
      await screenShows(screen, 'strong-model (fallback from weak-model) · win rate 0.100 < 0.5');
      expect(screen()).toMatch(/warning: .*weak-model/);
    } finally {
      app.unmount();
    }
  });

  it('shows the answer as it streams, under the call in flight', async () => {
    upstream.reply = () => ({ kind: 'stream', content: 'one two three four five six', delayMs: 60 });
    const { app, screen } = renderChat(inProcess);
    try {
      await type(app.stdin, 'hi', ENTER);
      await screenShows(screen, 'weak-model (weak) · win rate 0.100 < 0.5 · keyword');
      expect(screen()).toContain('one two three four five six');
      // Some frame showed part of the answer while the call was still answering.
      expect(app.frames.some((frame) => frame.includes('… router-keyword-0.5 is answering') && frame.includes('one two') && !frame.includes('six'))).toBe(true);
    } finally {
      app.unmount();
    }
  });

  it('Ctrl-C abandons the call in flight: the upstream sees its request closed', async () => {
    upstream.reply = () => ({ kind: 'hang' });
    const { app, screen } = renderChat(inProcess);
    const before = upstream.requests.length;
    await type(app.stdin, 'hi', ENTER);
    await screenShows(screen, '… router-keyword-0.5 is answering');
    await upstream.waitForRequests(before + 1);
    await type(app.stdin, CTRL_C);
    expect(await upstream.requests[before]!.closed).toEqual({ early: true });
  });
});

describe('routellm chat --url (through a running serve)', () => {
  let serve: ServeInProcess;
  let remote: ChatBackend;
  beforeAll(async () => {
    serve = await startServeInProcess(['--routers', 'random', 'difficulty', '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--base-url', upstream.baseURL, '--no-probe', '--port', '0'], { cwd: process.cwd() });
    remote = await serveChatBackend({ url: `${serve.listening[1]}/v1` });
  });
  afterAll(async () => {
    await remote.close();
    expect(await serve.stop()).toBe(0);
  });

  it("lists serve's routers and reads each answer's routing from its x-routellm headers", async () => {
    expect(remote.routers).toEqual(['random', 'difficulty']);
    const { app, screen } = renderChat(remote, { kind: 'strong-share', share: 0.5 });
    try {
      await screenShows(() => app.lastFrame(), `router random (1/2) · 50% strong · ${serve.listening[1]}/v1`);
      await type(app.stdin, TAB, 'Prove that there are infinitely many primes.', ENTER);
      const frame = await screenShows(screen, /(strong|weak)-model \((strong|weak)\) · win rate \d\.\d{3} [≥<] 0\.\d+ · difficulty · 1624 ms \(first text 812 ms\) · \$0\.\d+/);
      // The side shown is the one the win rate and threshold say, as serve's headers gave them.
      const [, model, side, rate, sign, threshold] = /(strong|weak)-model \((strong|weak)\) · win rate (\S+) ([≥<]) (\S+)/.exec(frame)!;
      expect(side).toBe(model);
      expect(sign === '≥').toBe(Number(rate) >= Number(threshold));
      expect(upstream.requests.at(-1)!.body.model).toBe(`${model}-model`);
    } finally {
      app.unmount();
    }
  });

  it("says serve's refusal of a bad turn on one line and goes on", async () => {
    const { app, screen } = renderChat(remote, { kind: 'win-rate', value: 0.5 });
    try {
      upstream.reply = () => ({ kind: 'error', status: 500 });
      await type(app.stdin, 'hi', ENTER);
      await screenShows(screen, /error: 50\d /);
      upstream.reply = echoReply;
      await type(app.stdin, 'hi again', ENTER);
      await screenShows(screen, 'echo: hi again');
    } finally {
      app.unmount();
    }
  });
});
