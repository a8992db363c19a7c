import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { freePort } from '../helpers/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { writeThreeModelList } from '../helpers/three-model-list.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

/** An interactive terminal in memory: a raw-mode stdin keys are written to, and an 80-column stdout. */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true as const, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const stdout = Object.assign(new PassThrough(), { isTTY: true as const, columns: 80, rows: 24 });
  const stderr = new PassThrough();
  let screen = '';
  let errors = '';
  stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const signal = new AbortController();
  return {
    io: { stdin, stdout, stderr, env: {}, cwd: dir, fetch: globalThis.fetch, signal: signal.signal },
    screen: () => screen,
    errors: () => errors,
    signal,
    /** Resolves once the chat reads keys (ink listens on stdin), the one sign of it a CI run gives: there ink draws only its transcript until it exits. */
    async ready(): Promise<void> {
      for (let waited = 0; waited < 10_000; waited += 20) {
        if (stdin.listenerCount('readable') > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the chat never read its keys; stderr: ${errors}`);
    },
    async shows(text: string): Promise<void> {
      for (let waited = 0; waited < 10_000; waited += 20) {
        if (screen.includes(text)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the terminal never showed "${text}"; it shows:\n${screen}\nstderr: ${errors}`);
    },
  };
}

let upstream: UpstreamServer;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstreamServer();
  dir = await mkdtemp(join(tmpdir(), 'routellm-chat-'));
  await writeThreeModelList(join(dir, 'list.yaml'), upstream.baseURL);
  await writeFile(join(dir, 'prices.yaml'), 'prices:\n  strong-model: { input: 10, output: 30 }\n  weak-model: { input: 1, output: 2 }\n');
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const OFFLINE = ['--routers', 'random', '--strong-model', 'strong-model', '--weak-model', 'weak-model'];

describe('routellm chat: bad flags and no terminal', () => {
  it.each([
    [['--threshold', '50'], /^routellm: --threshold: threshold 50 is outside \[0, 1\]; .*write the share as 50%\n$/],
    [['--url', 'ftp://example.com'], /^routellm: --url ftp:\/\/example.com is not an http\(s\) URL; give serve's OpenAI base URL, e\.g\. http:\/\/127\.0\.0\.1:6060\/v1\n$/],
    [['--url', 'http://127.0.0.1:6060/v1', '--strong-model', 'gpt-4o'], /^routellm: --strong-model chooses the models of an in-process chat; with --url .* drop one of the two\n$/],
    [['--router', 'mf', '--routers', 'random'], /^routellm: --router mf is not among --routers random: add it there, or pick one of those\n$/],
  ])('routellm chat %j: one line, exit 2', async (args, message) => {
    const result = await runCliInProcess(['chat', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses to run off a terminal, saying what to use instead (exit 2)', async () => {
    const result = await runCliInProcess(['chat'], { stdin: 'hello\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'routellm: routellm chat needs an interactive terminal (stdin and stdout are not both a TTY); for scripts use routellm route, or POST /v1/chat/completions to routellm serve\n',
    );
  });

  it('says on one line that --url cannot be reached (exit 1), before drawing anything', async () => {
    const port = await freePort();
    const tty = terminal();
    const code = await runCli(['chat', '--url', `http://127.0.0.1:${port}/v1`], tty.io);
    expect(code).toBe(1);
    expect(tty.errors()).toBe(`routellm: cannot reach http://127.0.0.1:${port}/v1: ECONNREFUSED; start it with "routellm serve" or check --url\n`);
    expect(tty.screen()).toBe('');
  });

  it("says a serve that refuses the key so, naming --api-key (exit 2); with the key it opens", async () => {
    const serve = await startServeInProcess([...OFFLINE, '--base-url', upstream.baseURL, '--auth-key', 'client-secret', '--no-probe', '--port', '0'], { cwd: dir });
    try {
      const url = `${serve.listening[1]}/v1`;
      const refused = terminal();
      expect(await runCli(['chat', '--url', url], refused.io)).toBe(2);
      expect(refused.errors()).toBe(`routellm: ${url} refused the key (401): pass one of serve's --auth-key values with --api-key\n`);
      const tty = terminal();
      const exit = runCli(['chat', '--url', url, '--api-key', 'client-secret'], tty.io);
      await tty.ready();
      tty.signal.abort();
      expect(await exit).toBe(0);
      expect(tty.screen()).toContain(`router random · 50% strong · ${url}`);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});

describe('routellm chat --url prices answers as the serve does (QA finding O: "cost unknown (no price for mid ...)" for a model serve prices)', () => {
  /** The screen without its control sequences, wrapped lines joined again. */
  const plain = (screen: string) => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s*\n\s*/g, ' ');

  async function oneTurn(url: string): Promise<string> {
    const tty = terminal();
    const exit = runCli(['chat', '--url', url, '--threshold', '0.5'], tty.io);
    await tty.ready();
    tty.io.stdin.write('hello there');
    await new Promise((resolve) => setTimeout(resolve, 50));
    tty.io.stdin.write('\r');
    await tty.shows('echo: hello there');
    await tty.shows(' · ');
    tty.io.stdin.write('\u0003');
    expect(await exit).toBe(0);
    return plain(tty.screen());
  }

  it("takes the serve's prices (its /v1/routellm/stats), with no --config of its own", async () => {
    // serve prices the pair from its config; chat is given no config at all.
    const serve = await startServeInProcess([...OFFLINE, '--base-url', upstream.baseURL, '--config', join(dir, 'prices.yaml'), '--no-probe', '--port', '0'], { cwd: dir });
    try {
      const url = `${serve.listening[1]}/v1`;
      const stats = (await (await fetch(`${url}/routellm/stats`)).json()) as { prices: unknown };
      expect(stats.prices).toEqual({ 'strong-model': { input: 10, output: 30 }, 'weak-model': { input: 1, output: 2 } });
      // 10 prompt tokens and 3 completion tokens at either model's serve price.
      expect(await oneTurn(url)).toMatch(/(strong-model \(strong\) · win rate 0\.\d{3} ≥ 0\.5 · random · \d+ ms \(first text \d+ ms\) · \$0\.00019|weak-model \(weak\) · win rate 0\.\d{3} < 0\.5 · random · \d+ ms \(first text \d+ ms\) · \$0\.000016)/);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('says where a price would come from when neither the serve nor --config has one', async () => {
    const serve = await startServeInProcess([...OFFLINE, '--base-url', upstream.baseURL, '--no-probe', '--port', '0'], { cwd: dir });
    try {
      const url = `${serve.listening[1]}/v1`;
      expect(await oneTurn(url)).toMatch(new RegExp(`cost unknown \\(no price for (strong|weak)-model; neither the serve at ${url.replace(/[.]/g, '\\.')} nor --config prices it; add it under prices: in serve's config\\)`));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});

describe('routellm chat on a terminal, offline against a local endpoint', () => {
  it('answers a turn with its routing, latency and cost at --config prices, and Ctrl-C exits 0', async () => {
    const tty = terminal();
    const exit = runCli(['chat', ...OFFLINE, '--base-url', upstream.baseURL, '--config', 'prices.yaml', '--threshold', '0.5'], tty.io);
    await tty.ready();
    tty.io.stdin.write('hello there');
    await new Promise((resolve) => setTimeout(resolve, 50));
    tty.io.stdin.write('\r');
    await tty.shows('echo: hello there');
    // 10 prompt tokens and 3 completion tokens at either model's price.
    // What the terminal shows, read without its control sequences and with wrapped lines joined again.
    expect(tty.screen().replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s*\n\s*/g, ' ')).toMatch(/(strong-model \(strong\) · win rate 0\.\d{3} ≥ 0\.5 · random · \d+ ms \(first text \d+ ms\) · \$0\.00019|weak-model \(weak\) · win rate 0\.\d{3} < 0\.5 · random · \d+ ms \(first text \d+ ms\) · \$0\.000016)/);
    tty.io.stdin.write('\u0003');
    expect(await exit).toBe(0);
    expect(tty.errors()).toBe('');
    // The status line, drawn live on a terminal (and once, at the end, when CI is set).
    expect(tty.screen()).toContain('router random · win rate ≥ 0.5 · in-process');
  });

  it('closes the same way on SIGINT/SIGTERM from outside (the CLI signal)', async () => {
    const tty = terminal();
    const exit = runCli(['chat', ...OFFLINE, '--base-url', upstream.baseURL], tty.io);
    await tty.ready();
    tty.signal.abort();
    expect(await exit).toBe(0);
  });
});

describe('routellm chat over a models: list (--config list.yaml)', () => {
  it('loads the router over a list serve and route default to (knn) when --routers is not given', async () => {
    const tty = terminal();
    const exit = runCli(['chat', '--config', 'list.yaml'], tty.io);
    await tty.ready();
    tty.signal.abort();
    expect(await exit).toBe(0);
    expect(tty.errors()).toBe('');
    expect(tty.screen()).toMatch(/router knn · .* · in-process/);
  });

  it('says the knob as a cost share, in-process and through a list serve: no "strong" side (QA-6 K)', async () => {
    const tty = terminal();
    const exit = runCli(['chat', '--config', 'list.yaml'], tty.io);
    await tty.ready();
    tty.io.stdin.write('\u001b[A');
    await new Promise((resolve) => setTimeout(resolve, 200));
    tty.signal.abort();
    expect(await exit).toBe(0);
    // The status line after ↑ (drawn live on a terminal, and once at the end when CI is set).
    expect(tty.screen()).toContain('router knn · 60% cost share · in-process');
    expect(tty.screen()).toContain('↑/↓ more/less of the bill · Ctrl-T share or knob');
    expect(tty.screen()).not.toMatch(/strong/);

    const serve = await startServeInProcess(['--config', 'list.yaml', '--no-probe', '--port', '0'], { cwd: dir });
    try {
      const url = `${serve.listening[1]}/v1`;
      const remote = terminal();
      const opened = runCli(['chat', '--url', url, '--threshold', '1.5'], remote.io);
      await remote.ready();
      remote.signal.abort();
      expect(await opened).toBe(0);
      expect(remote.errors()).toBe('');
      expect(remote.screen()).toContain(`router knn · knob 1.5 · ${url}`);
      const refused = terminal();
      expect(await runCli(['chat', '--url', url, '--threshold', '150%'], refused.io)).toBe(2);
      expect(refused.errors()).toBe('routellm: --threshold: threshold "150%" is not a cost share between 0% and 100%\n');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it.each([
    [['--threshold', '150%'], 'routellm: --threshold: threshold "150%" is not a cost share between 0% and 100%\n'],
    [['--threshold', '0%'], `routellm: --threshold: threshold "0%": a cost share must be strictly between 0% and 100%; use knob 0 to send each call to the model predicted best, or call the cheapest model's own endpoint to skip routing\n`],
  ])('chat --config list.yaml %j: the error speaks of a cost share (exit 2)', async (args, message) => {
    const result = await runCliInProcess(['chat', '--config', 'list.yaml', ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(message);
  });
});
