import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../helpers/free-port.js';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../helpers/run-cli-child.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

/**
 * The README's shell blocks, run as a newcomer would paste them into bash in this checkout, with no API
 * key in the environment and npm offline: so the README cannot rot. A block the test cannot run says so
 * in the README itself, on the line above it: `<!-- readme-test: skip (why) -->`; it is reported as
 * skipped, by name. What the test changes in a block, and why, is REWRITES below; nothing else.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  readonly script: string;
  /** Why the test does not run it, from its `readme-test: skip` marker. */
  readonly skip: string | undefined;
}

/** The ```sh blocks, each with the skip marker on the line before it, if any. */
function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/(?:^|\n)([^\n]*)\n```(?:sh|bash|shell)\n([\s\S]*?)\n```/g)) {
    const skip = /<!--\s*readme-test:\s*skip\s*\(([^)]+)\)\s*-->/.exec(match[1]!)?.[1];
    blocks.push({ script: match[2]!, skip });
  }
  return blocks;
}

let upstream: UpstreamServer;
let port: number;
let home: string;
const servers: ChildProcess[] = [];

/** What the test changes before running a block, each with its reason. */
const REWRITES: readonly { readonly why: string; readonly apply: (script: string) => string }[] = [
  { why: 'this checkout is installed already (npm ci here would replace the node_modules the suite runs from)', apply: (s) => s.replaceAll('npm ci && ', '') },
  { why: '`npm test` is the suite this test is part of', apply: (s) => s.split('\n').filter((line) => line.trim() !== 'npm test').join('\n') },
  { why: 'a fake OpenAI-compatible upstream on 127.0.0.1 stands in for Ollama', apply: (s) => s.replaceAll('http://127.0.0.1:11434/v1', upstream.baseURL) },
  { why: 'serve listens on a free port, not 6060, which something else on the machine may hold', apply: (s) => s.replaceAll('127.0.0.1:6060', `127.0.0.1:${port}`).replaceAll('routellm serve', `routellm serve --port ${port}`) },
];

function childEnv(): Record<string, string> {
  // No key of any provider, no ROUTELLM_* settings: only what a fresh shell has. npm offline: npx must find the
  // local bin. npm's own cache stays the user's (an empty one costs npx ~40 s of indexing on its first run).
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    CI: 'true',
    NO_COLOR: '1',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_cache: process.env['npm_config_cache'] ?? join(homedir(), '.npm'),
    HF_HUB_OFFLINE: '1',
  };
}

function runBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runChild('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: ROOT, env: childEnv() });
}

/** A serve block runs in the background, as in a second terminal, until it listens; the blocks after it talk to it. */
function startBackground(script: string): Promise<void> {
  const child = spawn('bash', ['-c', `exec ${script}`], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  servers.push(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve never listened: ${stderr}`)), 90_000);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (stderr.includes('routellm listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code} before listening: ${stderr}`));
    });
  });
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  home = await mkdtemp(join(tmpdir(), 'routellm-readme-home-'));
  port = await freePort();
});
afterAll(async () => {
  for (const child of servers) {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
  }
  await Promise.all(servers.map((child) => (child.exitCode === null ? new Promise((resolve) => child.on('close', resolve)) : undefined)));
  await upstream.close();
  await rm(home, { recursive: true, force: true });
});

const blocks = shellBlocks(README);
/** The README's chat-completion example is a curl command; a machine without curl skips it, by name. */
const HAS_CURL = spawnSync('sh', ['-c', 'command -v curl'], { stdio: 'ignore' }).status === 0;

describe("the README's commands, offline and with no API key", () => {
  it('has the newcomer\'s path: set-up, route, serve against a local endpoint, a chat completion through it, calibrate', () => {
    const run = blocks.filter((block) => block.skip === undefined).map((block) => block.script);
    expect(run[0]).toMatch(/^npm ci && npx routellm route .*\nnpm ci && npm test$/);
    for (const command of [/routellm route /, /routellm serve --base-url http:\/\/127\.0\.0\.1:\d+\/v1/, /curl .*\/v1\/chat\/completions/, /routellm calibrate /]) {
      expect(run.some((script) => command.test(script)), String(command)).toBe(true);
    }
  });

  for (const [index, block] of blocks.entries()) {
    const name = `block ${index + 1}: ${block.script.split('\n')[0]}`;
    const skip = block.skip ?? (!HAS_CURL && /\bcurl\b/.test(block.script) ? 'curl is not installed here' : undefined);
    if (skip !== undefined) {
      it.skip(`${name} (skipped: ${skip})`, () => {});
      continue;
    }
    it(name, async () => {
      const script = REWRITES.reduce((text, rewrite) => rewrite.apply(text), block.script);
      if (/routellm serve/.test(script)) {
        await startBackground(script);
        return;
      }
      const result = await runBash(script);
      expect(result.code, `${script}\n${result.stderr}`).toBe(0);
      expect(result.stdout.trim(), result.stderr).not.toBe('');
      // A JSON answer is a completion, never an error body (curl -s exits 0 on a 400).
      for (const line of result.stdout.split('\n').filter((text) => text.trim().startsWith('{'))) {
        const json = JSON.parse(line) as Record<string, unknown>;
        expect(json['error'], line).toBeUndefined();
      }
      if (/\/v1\/chat\/completions/.test(script)) {
        const completion = JSON.parse(result.stdout) as { object: string; model: string; choices: { message: { content: string } }[] };
        expect(completion.object).toBe('chat.completion');
        expect(['llama3.1:70b', 'llama3.2:1b']).toContain(completion.model);
        expect(completion.choices[0]!.message.content).toBe('echo: Hello!');
        // Through serve to the local endpoint, with no key: no Authorization header went upstream.
        expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
      }
    }, 120_000);
  }
});
