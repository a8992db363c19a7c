import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The example as `npm test` compiles it (npm run examples): TypeScript importing the package by name. */
const EXAMPLE = `${ROOT}dist/examples/route-and-answer.js`;

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstreamServer();
});
afterAll(async () => {
  await upstream.close();
});

/** Runs a compiled example in its own process, its one endpoint the test upstream. */
function runExample(path: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], ROUTELLM_BASE_URL: upstream.baseURL, ROUTELLM_API_KEY: 'example-key' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('the example imports routellm by name and routes, streams and answers against a local upstream', async () => {
  expect(existsSync(EXAMPLE), 'npm run examples compiles examples/ into dist/examples').toBe(true);
  const before = upstream.requests.length;
  const { code, stdout, stderr } = await runExample(EXAMPLE);
  expect(code, stderr).toBe(0);
  // Nothing on stderr: the pair has prices, and the example's own router is only asked numeric thresholds
  // (it said that shares of "length" would be refused, with CLI advice that cannot apply to it).
  expect(stderr).toBe('');
  const lines = stdout.trim().split('\n');
  // In-process routing with the default router: thanks weak, a proof strong.
  expect(lines[0]).toMatch(/^"Thanks!" -> gpt-4o-mini \(strong win rate 0\.\d{3}, threshold 0\.\d{3}\)$/);
  expect(lines[1]).toMatch(/^"Prove that there are infinitely many primes\." -> gpt-4o \(/);
  // The custom router streamed the haiku request (28 characters: weak), the completion came with its routing.
  expect(lines[2]).toBe('streamed: echo: Write a haiku about routing.');
  expect(lines[3]).toMatch(/^answered by gpt-4o(-mini)? \(routed to gpt-4o(-mini)? by difficulty\): echo: What is 2 \+ 2\?$/);
  expect(lines[4]).toMatch(/^requests: 2, spend: [\d.e-]+ USD$/);
  const sent = upstream.requests.slice(before);
  expect(sent.map((request) => request.body.model)).toEqual(['gpt-4o-mini', expect.stringMatching(/^gpt-4o(-mini)?$/)]);
  expect(sent.every((request) => request.headers.authorization === 'Bearer example-key')).toBe(true);
}, 30_000);
