import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mmluSplitOf } from '../../src/eval/mmlu-split.js';
import { judgeReply, readJsonlRecords, startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';
import { mathAndOtherPrompts } from '../helpers/math-and-other-prompts.js';
import { BIN, runCliChild } from '../helpers/run-cli-child.js';

/**
 * The whole loop of docs/learn-from-traffic.md through real processes and HTTP: serve samples the
 * traffic it routes, label has a (fake) judge rate it, train learns from the battles, and a SIGHUP
 * makes the running serve route with the new weights, as its stats and routing headers show.
 */
const { math, other } = mathAndOtherPrompts();
const isMath = new Set(math);
let fakes: LabelUpstreams;
let serve: { child: ChildProcess; url: string; stderr: () => string } | undefined;

beforeAll(async () => {
  // The judge: on math the weak answer falls short (2: the strong model wins), elsewhere it is as good (5).
  fakes = await startLabelUpstreams({ judge: judgeReply((question) => (isMath.has(question) ? 2 : 5)) });
});
afterAll(async () => {
  serve?.child.kill('SIGKILL');
  await fakes.close();
});

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

async function startServe(args: string[], cwd: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd, env: { ...process.env, CI: 'true', ROUTELLM_LOG_FORMAT: 'json' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const match = /routellm listening on (http:\/\/[^ ]+) /.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sample -> label -> train -> reload, end to end', () => {
  it("serve samples 200 routed requests, label and train learn the judge's preference, and after SIGHUP serve routes held-out math to the strong model", async () => {
    const dir = fakes.dir;
    // serve starts on the shipped mf weights, copied where the config points.
    await cp(join(import.meta.dirname, '../../datasets/mf'), join(dir, 'current-mf'), { recursive: true });
    const config = join(dir, 'serve.yaml');
    const providers = await readFile(fakes.config, 'utf8');
    await writeFile(config, `${providers}mf:\n  checkpoint_path: ./current-mf\n`);
    serve = await startServe(
      ['--port', '0', '--routers', 'mf', '--config', config, '--strong-model', fakes.models.strong, '--weak-model', fakes.models.weak, '--sample-prompts', 'samples.jsonl', '--sample-rate', '1', '--no-probe'],
      dir,
    );
    const { url } = serve;
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client-key', maxRetries: 0 });
    const stats = async () => (await (await fetch(`${url}/v1/routellm/stats`)).json()) as any;
    const shipped = (await stats()).routing.routers.mf as string;

    // 1. Traffic: 200 requests, 8 at a time, all sampled (--sample-rate 1).
    const traffic = [...math, ...other];
    for (let start = 0; start < traffic.length; start += 8) {
      await Promise.all(traffic.slice(start, start + 8).map((prompt) => client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: prompt }] })));
    }
    const samplesPath = join(dir, 'samples.jsonl');
    await until('200 sampled lines', async () => (await readFile(samplesPath, 'utf8').catch(() => '')).split('\n').filter(Boolean).length === 200);
    const samples = (await readFile(samplesPath, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(new Set(samples.map((sample) => sample.prompt))).toEqual(new Set(traffic));
    expect(samples.every((sample) => sample.router === 'mf' && sample.threshold === 0.5)).toBe(true);

    // 2. label the sample file as serve wrote it (the fake judge prefers the strong model on math).
    const labelled = await runCliChild(['label', '--prompts', 'samples.jsonl', '--out', 'battles.jsonl', '--concurrency', '16', ...fakes.flags], { cwd: dir, env: { CI: 'true' } });
    expect(labelled.stderr).not.toMatch(/error/i);
    expect(labelled.code).toBe(0);
    expect(labelled.stdout).toContain('labelled 200 prompt(s) (weak won 100, strong won 100), 0 failed');
    expect((await readJsonlRecords(join(dir, 'battles.jsonl'))).filter((battle) => battle.winner === 'model_a').every((battle) => isMath.has(battle.prompt))).toBe(true);

    // 3. train mf on the battles (the pair comes from the battles).
    const trained = await runCliChild(['train', '--router', 'mf', '--data', 'battles.jsonl', '--out', 'new-mf'], { cwd: dir, env: { CI: 'true' } });
    expect(trained.code).toBe(0);

    // Held-out prompts (train's sha1 split) as the shipped weights route them, through serve.
    const heldOut = traffic.filter((prompt) => mmluSplitOf(prompt) === 'eval');
    const winRates = async (prompts: string[]) =>
      Promise.all(
        prompts.map(async (prompt) => {
          const { response } = await client.chat.completions.create({ model: 'router-mf-0.5', messages: [{ role: 'user', content: prompt }] }).withResponse();
          return Number(response.headers.get('x-routellm-strong-win-rate'));
        }),
      );
    const heldMath = heldOut.filter((prompt) => isMath.has(prompt));
    const heldOther = heldOut.filter((prompt) => !isMath.has(prompt));
    const before = { math: mean(await winRates(heldMath)), other: mean(await winRates(heldOther)) };

    // 4. Point the config at the new weights and send SIGHUP to the running serve.
    await writeFile(config, `${providers}mf:\n  checkpoint_path: ./new-mf\n`);
    serve.child.kill('SIGHUP');
    await until('the reload line', () => serve!.stderr().includes('routellm reload #1 (SIGHUP)'));
    const after = await stats();
    expect(after.routing.generation).toBe(1);
    expect(after.routing.routers.mf).not.toBe(shipped);
    const mathRates = await winRates(heldMath);
    const otherRates = await winRates(heldOther);
    const now = { math: mean(mathRates), other: mean(otherRates) };
    // The new router separates what the judge separated; the shipped one did not see this judge.
    expect(now.math - now.other).toBeGreaterThan(0.4);
    expect(now.math - now.other).toBeGreaterThan(before.math - before.other + 0.2);
    // At a threshold between the two groups, held-out math goes to the strong model and the rest to the weak.
    const cut = (now.math + now.other) / 2;
    const routed = await Promise.all(
      heldOut.map(async (prompt) => (await client.chat.completions.create({ model: `router-mf-${cut.toFixed(4)}`, messages: [{ role: 'user', content: prompt }] })).model),
    );
    const strongShare = (group: (prompt: string) => boolean) => {
      const picked = heldOut.map((prompt, index) => [prompt, routed[index]] as const).filter(([prompt]) => group(prompt));
      return picked.filter(([, model]) => model === 'strong-1').length / picked.length;
    };
    expect(strongShare((prompt) => isMath.has(prompt))).toBeGreaterThan(0.8);
    expect(strongShare((prompt) => !isMath.has(prompt))).toBeLessThan(0.2);

    // serve stops cleanly on SIGTERM.
    const exited = new Promise<number | null>((resolve) => serve!.child.on('exit', resolve));
    serve.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    serve = undefined;
    console.log(`learn-from-traffic e2e: held-out mean strong win rate math/other before ${before.math.toFixed(3)}/${before.other.toFixed(3)}, after reload ${now.math.toFixed(3)}/${now.other.toFixed(3)}`);
  }, 180_000);
});
