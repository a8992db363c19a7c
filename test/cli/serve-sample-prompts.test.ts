import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMessages } from '../helpers/log-messages.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';
import { startServeInProcess } from '../helpers/serve-in-process.js';
import { startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';

let fakes: LabelUpstreams;
beforeAll(async () => {
  fakes = await startLabelUpstreams();
});
afterAll(async () => {
  await fakes.close();
  await rm(fakes.dir, { recursive: true, force: true });
});

const pair = () => ['--config', fakes.config, '--strong-model', fakes.models.strong, '--weak-model', fakes.models.weak, '--routers', 'random', '--port', '0', '--no-probe'];

describe('serve --sample-prompts', () => {
  it("appends routed prompts as label's lines (no key, no other field), says so at start-up, counts them in /metrics, and label reads the file", async () => {
    const samples = join(fakes.dir, 'sampled', 'samples.jsonl');
    const serve = await startServeInProcess([...pair(), '--sample-prompts', samples, '--sample-rate', '1'], { cwd: fakes.dir, env: { ROUTELLM_LOG_FORMAT: 'json' } });
    const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client-secret-key', maxRetries: 0 });
    const prompts = Array.from({ length: 6 }, (_, n) => `Question number ${n}: what is ${n} + ${n}?`);
    for (const prompt of prompts) {
      const messages = [{ role: 'system' as const, content: 'You are brief.' }, { role: 'user' as const, content: prompt }];
      await client.chat.completions.create({ model: 'router-random-0.5', messages, user: 'u-1' });
    }
    const started = logMessages(serve.log()).split('\n').find((line) => line.startsWith('routellm prompt sampling ON'));
    expect(started).toBe(`routellm prompt sampling ON: 100% of routed prompts are stored in ${samples} (users' prompts: keep the file private; no other request field; rotated past 100 MiB)`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const metrics = await (await fetch(`${serve.listening[1]}/metrics`)).text();
    expect(metrics).toContain('routellm_prompt_samples_total{outcome="written"} 6');
    expect(metrics).toContain('routellm_prompt_samples_total{outcome="dropped_queue_full"} 0');
    expect(await serve.stop()).toBe(0);
    const text = await readFile(samples, 'utf8');
    expect(text).not.toContain('client-secret-key');
    expect(text).not.toContain('u-1');
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.map((line) => line.prompt)).toEqual(prompts);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['timestamp', 'prompt', 'router', 'threshold', 'strong_win_rate', 'model']);
      expect(line.router).toBe('random');
      expect(line.threshold).toBe(0.5);
      expect([fakes.models.strong, fakes.models.weak]).toContain(line.model);
      expect(line.model).toBe(line.strong_win_rate >= 0.5 ? fakes.models.strong : fakes.models.weak);
    }
    // A crash mid-append leaves at most a torn last line: label reads the file as it is.
    await appendFile(samples, '{"timestamp":"2025-06-01T12:00:00.000Z","prompt":"cut of');
    const label = await runCliInProcess(['label', '--prompts', samples, '--out', join(fakes.dir, 'battles.jsonl'), '--dry-run', ...fakes.flags], { cwd: fakes.dir });
    expect(label.stderr).toBe('');
    expect(label.code).toBe(0);
    expect(label.stdout).toContain(`label plan: 6 prompt(s) in ${samples}`);
  });

  it('keeps the --sample-fields fields, and nothing at rate 0 (the config file can turn sampling on)', async () => {
    const samples = join(fakes.dir, 'fields.jsonl');
    const serve = await startServeInProcess([...pair(), '--sample-prompts', samples, '--sample-rate', '1', '--sample-fields', 'user,metadata'], { cwd: fakes.dir });
    const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'k', maxRetries: 0 });
    await client.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: 'hi' }], user: 'u-2', temperature: 0.3 });
    expect(await serve.stop()).toBe(0);
    expect(JSON.parse(await readFile(samples, 'utf8')).fields).toEqual({ user: 'u-2' });

    const config = join(fakes.dir, 'sampling.yaml');
    await writeFile(config, `${await readFile(fakes.config, 'utf8')}server:\n  sample_prompts: zero.jsonl\n  sample_rate: 0\n`);
    const zero = await startServeInProcess(['--config', config, '--strong-model', fakes.models.strong, '--weak-model', fakes.models.weak, '--routers', 'random', '--port', '0', '--no-probe'], { cwd: '/' });
    const zeroClient = new OpenAI({ baseURL: `${zero.listening[1]}/v1`, apiKey: 'k', maxRetries: 0 });
    for (let n = 0; n < 5; n += 1) await zeroClient.chat.completions.create({ model: 'router-random-0.5', messages: [{ role: 'user', content: `hi ${n}` }] });
    expect(await zero.stop()).toBe(0);
    // Relative to the config file; created, and empty.
    expect(await readFile(join(fakes.dir, 'zero.jsonl'), 'utf8')).toBe('');
  });

  it('says sampling is off at start-up by default', async () => {
    const serve = await startServeInProcess(pair(), { cwd: fakes.dir });
    expect(logMessages(serve.log())).toContain('routellm prompt sampling off (--sample-prompts FILE keeps a share of routed prompts for routellm label)');
    expect(await serve.stop()).toBe(0);
  });

  // Node's recursive mkdir never settles under /proc (it makes the parent, which is there, then the
  // child again, for ever): serve hung at start-up with no line at all.
  it.skipIf(process.platform !== 'linux')('refuses a file under /proc at start-up (one line, exit 2), not hanging', async () => {
    const result = await runCliInProcess(['serve', ...pair(), '--sample-prompts', '/proc/nope/s.jsonl'], { cwd: fakes.dir });
    expect(result.code).toBe(2);
    expect(logMessages(result.stderr)).toMatch(/^--sample-prompts: cannot write \/proc\/nope\/s\.jsonl \(ENOENT\); give a file in a writable directory$/m);
  }, 10_000);

  it('refuses bad values at start-up: one line, exit 2', async () => {
    await mkdir(join(fakes.dir, 'ro'), { recursive: true });
    await writeFile(join(fakes.dir, 'ro', 'a-file'), 'x');
    const config = join(fakes.dir, 'bad-rate.yaml');
    await writeFile(config, `${await readFile(fakes.config, 'utf8')}server:\n  sample_prompts: s.jsonl\n  sample_rate: 1.5\n`);
    const cases: [string[], RegExp][] = [
      [['--sample-prompts', 's.jsonl', '--sample-rate', '1.5'], /--sample-rate.*expected a share from 0 to 1/],
      [['--sample-prompts', 's.jsonl', '--sample-rate', '-0.1'], /--sample-rate.*expected a share from 0 to 1/],
      [['--sample-rate', '0.1'], /--sample-rate needs --sample-prompts FILE/],
      [['--sample-prompts', join(fakes.dir, 'ro', 'a-file', 's.jsonl')], /--sample-prompts: cannot write .*a-file\/s\.jsonl \((ENOTDIR|EEXIST)\)/],
      [['--sample-prompts', 's.jsonl', '--sample-max-size', 'lots'], /--sample-max-size: "lots" is not a size/],
    ];
    for (const [flags, message] of cases) {
      const result = await runCliInProcess(['serve', ...pair(), ...flags], { cwd: fakes.dir });
      expect(result.code, flags.join(' ')).toBe(2);
      // One line (commander's own refusals add its "(run with --help for usage)").
      expect(logMessages(result.stderr).split('\n')[0], flags.join(' ')).toMatch(message);
      expect(result.stderr.trim().split('\n').filter((line) => !line.startsWith('(run with --help')), flags.join(' ')).toHaveLength(1);
    }
    const fromConfig = await runCliInProcess(['serve', '--config', config, '--strong-model', fakes.models.strong, '--weak-model', fakes.models.weak, '--routers', 'random', '--port', '0'], { cwd: fakes.dir });
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toMatch(/server\.sample_rate must be a share from 0 to 1/);
  });
});
