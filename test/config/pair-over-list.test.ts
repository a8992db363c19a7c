import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { BIN, runCliChild } from '../helpers/run-cli-child.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { LISTENING } from '../helpers/serve-in-process.js';

// QA-6 S: one pair flag or variable silently dropped the config's models: list, and the other side became RouteLLM's default model.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-pair-over-list-'));
  await writeFile(
    join(dir, 'list.yaml'),
    `models:
  - {name: small, base_url: "http://127.0.0.1:9/v1", scored_as: mistralai/mistral-7b-chat, price: {input: 0.05, output: 0.08}}
  - {name: mid, base_url: "http://127.0.0.1:9/v1", scored_as: zero-one-ai/Yi-34B-Chat, price: {input: 0.8, output: 0.8}}
  - {name: big, base_url: "http://127.0.0.1:9/v1", scored_as: gpt-4-1106-preview, price: {input: 10, output: 30}}
`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const LIST = 'the models: list of list.yaml (3 models)';
const oneLine = (text: string) => text.trim().split('\n');

describe('a pair given over a config holding a models: list', () => {
  it('one side only is a usage error naming both remedies, in route, doctor, calibrate (exit 2)', async () => {
    const route = await runCliInProcess(['route', '--config', 'list.yaml', 'hi'], { cwd: dir, env: { ROUTELLM_STRONG_MODEL: 'strong-m' } });
    expect([route.code, route.stdout]).toEqual([2, '']);
    expect(oneLine(route.stderr)).toEqual([
      `routellm: ROUTELLM_STRONG_MODEL alone would route a pair with RouteLLM's default model on the other side, in place of ${LIST}: give a weak model (--weak-model or ROUTELLM_WEAK_MODEL) too to route a pair, or unset ROUTELLM_STRONG_MODEL to route the list`,
    ]);
    const flag = await runCliInProcess(['route', '--config', 'list.yaml', '--weak-model', 'w', 'hi'], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--weak-model alone would route a pair');
    expect(flag.stderr).toContain('give a strong model (--strong-model or ROUTELLM_STRONG_MODEL) too to route a pair, or drop --weak-model to route the list');

    const doctor = await runCliInProcess(['doctor', '--config', 'list.yaml', '--no-probe', '--strong-model', 'big'], { cwd: dir });
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toMatch(/^fail +models +--strong-model alone would route a pair/m);

    const calibrate = await runCliInProcess(['calibrate', '--config', 'list.yaml', '--strong-model-pct', '30%', '--prompts', 'list.yaml'], { cwd: dir, env: { ROUTELLM_WEAK_MODEL: 'w' } });
    expect(calibrate.code).toBe(2);
    expect(oneLine(calibrate.stderr)).toEqual([expect.stringContaining('routellm: ROUTELLM_WEAK_MODEL alone would route a pair')]);
  });

  it('both sides route the pair with one warning line that the list is not used', async () => {
    const route = await runCliInProcess(['route', '--config', 'list.yaml', '--router', 'random', '--threshold', '0', '--strong-model', 's', '--weak-model', 'w', 'hi'], { cwd: dir });
    expect(route.code).toBe(0);
    expect(route.stdout).toMatch(/^s\t/);
    expect(oneLine(route.stderr)).toEqual([`routellm: warning: --strong-model and --weak-model given: ${LIST} is not used; a pair is routed (drop them to route the list)`]);
    const mixed = await runCliInProcess(['route', '--config', 'list.yaml', '--router', 'random', '--threshold', '0', '--weak-model', 'w', 'hi'], { cwd: dir, env: { ROUTELLM_STRONG_MODEL: 's' } });
    expect(mixed.code).toBe(0);
    expect(oneLine(mixed.stderr)).toEqual([`routellm: warning: ROUTELLM_STRONG_MODEL and --weak-model given: ${LIST} is not used; a pair is routed (unset ROUTELLM_STRONG_MODEL and drop --weak-model to route the list)`]);
    // calibrate prints the pair router's threshold then, as serve would route the pair.
    const calibrate = await runCliInProcess(['calibrate', '--config', 'list.yaml', '--strong-model-pct', '30%'], { cwd: dir, env: { ROUTELLM_STRONG_MODEL: 's', ROUTELLM_WEAK_MODEL: 'w' } });
    expect(calibrate.code, calibrate.stderr).toBe(0);
    expect(calibrate.stdout).toMatch(/^For 30\.0% strong model calls for difficulty, threshold = /);
    expect(oneLine(calibrate.stderr)).toEqual([expect.stringContaining(`ROUTELLM_STRONG_MODEL and ROUTELLM_WEAK_MODEL given: ${LIST} is not used`)]);
  });

  it('serve (a real process): one side is one error line and exit 2; both sides log one warning and listen', async () => {
    const alone = await runCliChild(['serve', '--config', 'list.yaml', '--strong-model', 'big', '--port', '0', '--no-probe'], { cwd: dir, env: { OPENAI_API_KEY: 'x' } });
    expect(alone.code).toBe(2);
    expect(oneLine(alone.stderr).map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 50, msg: expect.stringContaining(`--strong-model alone would route a pair with RouteLLM's default model on the other side, in place of ${LIST}`) })]);

    const child = spawn(process.execPath, [BIN, 'serve', '--config', 'list.yaml', '--strong-model', 'big', '--weak-model', 'small', '--port', '0', '--no-probe', '--routers', 'random'], {
      cwd: dir,
      env: { ...process.env, OPENAI_API_KEY: 'x' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      for (let waited = 0; !LISTENING.test(stderr); waited += 20) {
        if (waited > 30_000 || child.exitCode !== null) throw new Error(`serve did not listen: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    const warnings = oneLine(stderr).map((line) => JSON.parse(line)).filter((entry) => String(entry.msg).includes('is not used'));
    expect(warnings).toEqual([expect.objectContaining({ level: 40, msg: `--strong-model and --weak-model given: ${LIST} is not used; a pair is routed (drop them to route the list)` })]);
  }, 60_000);

  it('chat (in process, on a terminal) refuses one side the same way', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true as const, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
    const stdout = Object.assign(new PassThrough(), { isTTY: true as const, columns: 80, rows: 24 });
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await runCli(['chat', '--config', 'list.yaml'], { stdin, stdout, stderr, env: { ROUTELLM_STRONG_MODEL: 'strong-m' }, cwd: dir, fetch: globalThis.fetch });
    expect(code).toBe(2);
    expect(oneLine(errors)).toEqual([expect.stringContaining('routellm: ROUTELLM_STRONG_MODEL alone would route a pair')]);
  });
});
