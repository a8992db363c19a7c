import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { BIN, runCliChild } from '../helpers/run-cli-child.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const STRONG = 'gpt-4-1106-preview';
const WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

describe('routellm route (in-process)', () => {
  it('prints model, win rate, router and threshold for one prompt', async () => {
    const result = await runCliInProcess(['route', '--router', 'random', '--threshold', '0', 'hello']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${STRONG}\\tstrong: win rate 0\\.\\d{4} >= threshold 0 \\(router random\\)\\n$`));
  });

  it('--json prints the documented object', async () => {
    const result = await runCliInProcess(['route', '--router', 'random', '--threshold', '1', '--json', 'hello']);
    expect(result.code).toBe(0);
    const decision = JSON.parse(result.stdout);
    expect(Object.keys(decision)).toEqual(['model', 'router', 'threshold', 'strong_win_rate']);
    expect(decision.model).toBe(WEAK);
    expect(decision.threshold).toBe(1);
    expect(decision.strong_win_rate).toBeGreaterThanOrEqual(0);
    expect(decision.strong_win_rate).toBeLessThan(1);
  });

  it('routes with the shipped default router offline, and resolves a strong-call share through its calibration table', async () => {
    const plain = await runCliInProcess(['route', '--json', 'Prove that the square root of 2 is irrational.']);
    expect(plain.code).toBe(0);
    const decision = JSON.parse(plain.stdout);
    expect(decision.router).toBe('difficulty');
    // The default threshold is the share 50%, resolved through the shipped calibration table.
    const table = JSON.parse(await readFile(new URL('../../datasets/calibration/quantiles.json', import.meta.url), 'utf8'));
    expect(decision.threshold).toBe(table.routers.difficulty.quantiles[500]);
    expect((await runCliInProcess(['route', 'x'])).stdout).toMatch(/ \(50% strong calls\) \(router difficulty\)\n$/);
    const shared = await runCliInProcess(['route', '--threshold', '50%', 'Prove that the square root of 2 is irrational.']);
    expect(shared.code).toBe(0);
    expect(shared.stdout).toMatch(/threshold 0\.\d{1,4} \(50% strong calls\) \(router difficulty\)\n$/);
    const json = JSON.parse((await runCliInProcess(['route', '--threshold', '50%', '--json', 'x'])).stdout);
    expect(json.threshold).toBeGreaterThan(0);
    expect(json.threshold).toBeLessThan(1);
    expect(json.threshold).not.toBe(0.5);
  });

  it('warns in one line when a numeric threshold means almost no or almost every strong call, or is RouteLLM\'s published one', async () => {
    // 0.7 is above every win rate but a few of hybrid's: almost nothing goes strong.
    const above = await runCliInProcess(['route', '--router', 'hybrid', '--threshold', '0.7', '-'], { stdin: 'first prompt\nsecond prompt\n' });
    expect(above.code).toBe(0);
    expect(above.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(above.stderr).toMatch(
      /^routellm: warning: threshold 0\.7 for router hybrid is above the 99th percentile of its win rates \(0\.\d+ on the shipped calibration table\): about \d+(\.\d)?% of calls go to the strong model; ask for a share of strong calls instead, e\.g\. router-hybrid-50% \(route --threshold 50%\)\n$/,
    );
    // RouteLLM's published 50% threshold, for its own mf weights: about 82% with the shipped ones.
    const published = await runCliInProcess(['route', '--router', 'mf', '--threshold', '0.11593', 'hello']);
    expect(published.code).toBe(0);
    expect(published.stderr).toMatch(/^routellm: warning: threshold 0\.11593 is RouteLLM's published 50% threshold for its own mf weights \(routellm\/mf_gpt4_augmented, on Chatbot Arena prompts\); with these weights it sends about \d\d(\.\d)?% of calls to the strong model \(the shipped calibration table\); for 50%, ask for the share: router-mf-50% \(route --threshold 50%\)\n$/);
    // A threshold inside the observed range, a share, and the deliberate 0 are left alone.
    for (const threshold of ['0.5', '30%', '0']) expect((await runCliInProcess(['route', '--threshold', threshold, 'hello'])).stderr).toBe('');
  });

  it('honours the model pair flags and environment', async () => {
    const flags = await runCliInProcess(['route', '--router', 'random', '--threshold', '0', '--strong-model', 'big', '--json', 'x']);
    expect(JSON.parse(flags.stdout).model).toBe('big');
    const env = await runCliInProcess(['route', '--router', 'random', '--threshold', '1', '--json', 'x'], {
      env: { ROUTELLM_WEAK_MODEL: 'tiny' },
    });
    expect(JSON.parse(env.stdout).model).toBe('tiny');
  });

  it("takes the model pair from the config's models: section, below the flags and the environment", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-route-'));
    const config = join(dir, 'models.yaml');
    await writeFile(config, 'models: {strong: s1, weak: w1}\n');
    const model = async (threshold: string, extra: string[] = [], env: Record<string, string> = {}) => {
      const result = await runCliInProcess(['route', '--router', 'random', '--threshold', threshold, '--config', config, '--json', ...extra, 'x'], { env });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout).model;
    };
    expect(await model('0')).toBe('s1');
    expect(await model('1')).toBe('w1');
    expect(await model('0', [], { ROUTELLM_STRONG_MODEL: 'env-strong' })).toBe('env-strong');
    expect(await model('0', ['--strong-model', 'flag-strong'], { ROUTELLM_STRONG_MODEL: 'env-strong' })).toBe('flag-strong');
    // An empty variable is unset, so the file still counts.
    expect(await model('1', [], { ROUTELLM_WEAK_MODEL: '' })).toBe('w1');
  });

  it('refuses an empty model flag; warns when strong and weak are the same model', async () => {
    for (const flag of ['--strong-model', '--weak-model']) {
      const result = await runCliInProcess(['route', flag, '', 'x']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`routellm: ${flag} is empty: give a model name, e.g. ${flag} gpt-4o, or leave the flag out\n`);
    }
    const same = await runCliInProcess(['route', '--strong-model', 'x', '--weak-model', 'x', '--json', 'hello']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).model).toBe('x');
    expect(same.stderr).toBe(
      'routellm: warning: the strong and the weak model are both "x", so every prompt goes to it whatever the router decides; set --strong-model and --weak-model to two models\n',
    );
  });

  it('reads plain lines and JSONL from stdin, one decision each, skipping blank lines', async () => {
    const stdin = 'first prompt\n\n{"prompt":"second","id":2}\n  {"prompt":"{braces} first"}\nset {x} of things\n';
    const result = await runCliInProcess(['route', '--router', 'random', '--json', '-'], { stdin });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.line)).toEqual([1, 3, 4, 5]);
    for (const line of lines) expect(line.router).toBe('random');
  });

  it('a line starting with "{" that is not valid JSON is an error naming it (exit 2), not a prompt routed as its own text', async () => {
    const truncated = await runCliInProcess(['route', '--json', '-'], { stdin: '{"prompt":"ok"}\n\n{"prompt":"Prove Fermat little theorem"\n{"prompt":"never"}\n' });
    expect(truncated.code).toBe(2);
    // The lines before it were routed (stdin is streamed); nothing after it.
    expect(truncated.stdout.trim().split('\n').map((line) => JSON.parse(line).line)).toEqual([1]);
    expect(truncated.stderr).toMatch(/^routellm: stdin line 3: invalid JSON \(.+\); a line starting with "\{" is read as JSONL, so write such a prompt as \{"prompt": "..."\}\n$/);
    for (const stdin of ['{"prompt":"hi"\n', '  {not json\n', '{}\u0000\n']) {
      const result = await runCliInProcess(['route', '-'], { stdin });
      expect(result.code, stdin).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^routellm: stdin line 1: invalid JSON \([^\n]+\n$/);
    }
  });

  it('--json on stdin gives each decision its 1-based input line, blank lines skipped', async () => {
    const result = await runCliInProcess(['route', '--router', 'random', '--json', '-'], { stdin: 'hello\n\nworld\r\n  \n{"prompt":"x"}' });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((decision) => decision.line)).toEqual([1, 3, 5]);
    expect(Object.keys(lines[0])).toEqual(['model', 'router', 'threshold', 'strong_win_rate', 'prompt', 'line']);
    expect(lines.map((decision) => decision.prompt)).toEqual(['hello', 'world', 'x']);
  });

  it("--json on stdin carries each prompt, so its output is a prompt file label reads (QA-6 T)", async () => {
    const routed = await runCliInProcess(['route', '--json', '-'], { stdin: 'hi there\nProve Fermat\n' });
    expect(routed.code, routed.stderr).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'routellm-routed-'));
    try {
      await writeFile(join(dir, 'routed.jsonl'), routed.stdout);
      const label = await runCliInProcess(
        ['label', '--prompts', 'routed.jsonl', '--strong-model', 'strong-m', '--weak-model', 'weak-m', '--judge-model', 'judge-m', '--base-url', 'http://127.0.0.1:9/v1', '--out', 'b.jsonl', '--dry-run'],
        { cwd: dir, env: {} },
      );
      expect(label.stderr).toBe('');
      expect(label.code).toBe(0);
      expect(label.stdout).toContain('label plan: 2 prompt(s) in routed.jsonl');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an empty prompt: an argument of only spaces, or an empty JSONL "prompt", naming its line', async () => {
    for (const prompt of ['', '   ']) {
      const result = await runCliInProcess(['route', prompt]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('routellm: the prompt is empty: pass the text to route, or "-" to read prompts from stdin\n');
    }
    for (const empty of ['{"prompt":""}', '{"prompt":"   "}']) {
      const result = await runCliInProcess(['route', '--json', '-'], { stdin: `{"prompt":"fine"}\n\n${empty}\n{"prompt":"never"}\n` });
      expect(result.code).toBe(2);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toBe('routellm: stdin line 3: the "prompt" field is empty; give the text to route\n');
    }
  });

  it('refuses stdin that is not UTF-8, naming the first bad line', async () => {
    const latin1 = Buffer.concat([Buffer.from('caf\u00e9 ok\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0xe8, 0x6d, 0x65, 0x0a])]);
    const result = await runCliInProcess(['route', '--router', 'random', '--json', '-'], { stdin: latin1 });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).line).toBe(1);
    expect(result.stderr).toBe('routellm: stdin line 2 is not valid UTF-8 text; prompts must be UTF-8 (convert e.g. with iconv -f latin1 -t utf-8)\n');
  });

  it('takes the same seeded decisions as the config asks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-route-'));
    const config = join(dir, 'config.yaml');
    await writeFile(config, 'random:\n  seed: 42\n');
    const a = await runCliInProcess(['route', '--router', 'random', '--config', config, '--json', '-'], { stdin: 'a\nb\nc\n' });
    const b = await runCliInProcess(['route', '--router', 'random', '--config', config, '--json', '-'], { stdin: 'x\ny\nz\n' });
    // The same decisions for other prompts (each line carries its own prompt).
    const decisions = (stdout: string) => stdout.trim().split('\n').map((line) => ({ ...JSON.parse(line), prompt: undefined }));
    expect(decisions(a.stdout)).toEqual(decisions(b.stdout));
    // The seed from the environment, with a default, in block and flow style.
    for (const text of ['random:\n  seed: ${NOPE:-42}\n', 'random: {seed: ${SEED}}\n']) {
      await writeFile(config, text);
      const c = await runCliInProcess(['route', '--router', 'random', '--config', config, '--json', '-'], { stdin: 'a\nb\nc\n', env: { SEED: '42' } });
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toBe(a.stdout);
    }
    const unset = await runCliInProcess(['route', '--router', 'random', '--config', config, 'x']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toBe(`routellm: ${config}: random.seed: environment variable SEED is not set\n`);
  });

  it.each([
    [['route'], undefined, 'no prompt given'],
    [['route', '-'], '', 'no prompts on stdin'],
    [['route', '-'], '{"text":"x"}\n', 'stdin line 1: JSON object has no string "prompt" field'],
    [['route', '--router', 'nope', 'x'], undefined, 'unknown router "nope"; available routers: '],
    [['route', '--threshold', 'abc', 'x'], undefined, '--threshold: threshold "abc" is not a number'],
    [['route', '--threshold', '2', 'x'], undefined, 'outside [0, 1]'],
    // route's flag goes through the core's parseThreshold: a negative number is out of range, as in model names.
    [['route', '--threshold', '-0.1', 'x'], undefined, '--threshold: threshold -0.1 is outside [0, 1]'],
    [['route', '--threshold', '1.5', 'x'], undefined, '--threshold: threshold 1.5 is outside [0, 1]'],
    // A share written without its % sign: the message gives the spelling that works.
    [['route', '--threshold', '50', 'x'], undefined, '--threshold: threshold 50 is outside [0, 1]; for 50% of calls to the strong model write the share as 50%\n'],
    // The budget as typed, after --threshold: like every other --threshold error (it said "a budget like router-mf-$20/h").
    [['route', '--threshold', '$5/h', 'x'], undefined, 'routellm: --threshold: a budget like $5/h is held on live traffic by routellm serve only; give a threshold or a share like 30%\n'],
    [['route', '--config', '/nonexistent/routellm.yaml', 'x'], undefined, 'cannot read config file /nonexistent/routellm.yaml: ENOENT'],
    [['route', '--frobnicate', 'x'], undefined, "unknown option '--frobnicate'"],
  ])('%j is a usage error with one clear line and exit 2', async (argv, stdin, message) => {
    const result = await runCliInProcess(argv, stdin === undefined ? {} : { stdin });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('a bad config file is a usage error naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-route-'));
    const config = join(dir, 'bad.yaml');
    await writeFile(config, 'random: [1, 2\n');
    const result = await runCliInProcess(['route', '--config', config, 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`config file ${config} is not valid YAML`);
    await writeFile(config, 'random:\n  seed: "x"\n');
    const badSeed = await runCliInProcess(['route', '--router', 'random', '--config', config, 'x']);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toContain('random.seed must be an integer');
    await writeFile(config, 'random: [1, 2\n');
    const yamlError = await runCliInProcess(['route', '--config', config, 'x']);
    expect(yamlError.stderr).toMatch(/^routellm: config file .* is not valid YAML: .* at line 2, column 1 \(line 1: "random: \[1, 2"\)\n$/);
    await writeFile(config, 'random: {seed: 42, bogus: 1}\n');
    const unknownOption = await runCliInProcess(['route', '--router', 'random', '--config', config, 'x']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe('routellm: random: unknown option "bogus"; known options: seed\n');
  });

  it('--help shows an example and exits 0', async () => {
    const result = await runCliInProcess(['route', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('--threshold <value>');
  });
});

describe('routellm route (child process)', () => {
  it('answers a piped JSONL batch with NDJSON and exit 0', async () => {
    const result = await runCliChild(['route', '--router', 'random', '--json'], { stdin: '{"prompt":"a"}\n{"prompt":"b"}\n' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('exits 2 with one line on stderr for a bad threshold', async () => {
    const result = await runCliChild(['route', '--threshold', '-1', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with one line for an empty prompt and for a binary file on stdin', async () => {
    const empty = await runCliChild(['route', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('routellm: the prompt is empty: pass the text to route, or "-" to read prompts from stdin\n');
    const binary = await runCliChild(['route', '-'], { stdin: (await readFile(process.execPath)).subarray(0, 20_000) });
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/^routellm: stdin line \d+ is not valid UTF-8 text;[^\n]*\n$/);
  });

  it('exits 0 on --help and 2 on an unknown command', async () => {
    expect((await runCliChild(['--help'])).code).toBe(0);
    const unknown = await runCliChild(['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'bogus'");
  });

  it('ends with exit 130 on Ctrl-C while waiting for prompts on stdin', async () => {
    const child = spawn(process.execPath, [BIN, 'route', '--router', 'random', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write('first\n');
    // The first decision printed means the process is up and blocked on stdin.
    await once(child.stdout, 'data');
    child.kill('SIGINT');
    const [code] = await once(child, 'close');
    expect(code).toBe(130);
  });
});
