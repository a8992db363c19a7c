import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabelUpstreams, type LabelUpstreams } from '../helpers/label-upstreams.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let fakes: LabelUpstreams;
let prompts: string;
beforeAll(async () => {
  fakes = await startLabelUpstreams();
  prompts = join(fakes.dir, 'prompts.csv');
  await writeFile(prompts, 'prompt,other\nhello,1\n');
  await writeFile(join(fakes.dir, 'not-battles.jsonl'), '{"question":"x"}\n');
  await writeFile(join(fakes.dir, 'other-pair.jsonl'), '{"prompt":"x","model_a":"gpt-4o","model_b":"w/weak-1","winner":"model_a","judge_model":"j/judge-1"}\n');
  await writeFile(join(fakes.dir, 'blank.txt'), '\n   \n');
  await mkdir(join(fakes.dir, 'a-dir'));
  // A binary file given as --out by mistake (train's weights, not label's battles).
  await writeFile(join(fakes.dir, 'model.safetensors'), Buffer.from([0x50, 0x00, 0x00, 0xff, 0xfe, 0x80, 0x0a]));
});
afterAll(() => fakes.close());

const run = (...argv: string[]) => runCliInProcess(['label', ...argv], { cwd: fakes.dir, env: {} });

describe('routellm label: every bad input is one line and exit 2, before any call', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing prompts file', () => ['--prompts', 'nope.csv', '--out', 'b.jsonl', ...fakes.flags], /^routellm: file not found: .*nope\.csv\n$/],
    ['no prompt column', () => ['--prompts', prompts, '--column', 'text', '--out', 'b.jsonl', ...fakes.flags], /^routellm: .*prompts\.csv: no column "text" \(choose one with --column\); columns are: prompt, other\n$/],
    ['every prompt blank', () => ['--prompts', 'blank.txt', '--out', 'b.jsonl', ...fakes.flags], /^routellm: no prompts in .*blank\.txt\n$/],
    ['a bad --concurrency', () => ['--prompts', prompts, '--out', 'b.jsonl', '--concurrency', '0', ...fakes.flags], /^routellm: --concurrency must be a positive integer, got "0"\n$/],
    ['a huge --concurrency', () => ['--prompts', prompts, '--out', 'b.jsonl', '--concurrency', '5000', ...fakes.flags], /^routellm: --concurrency must be at most 1000, got 5000\n$/],
    ['a bad --retries', () => ['--prompts', prompts, '--out', 'b.jsonl', '--retries', '-1', ...fakes.flags], /^routellm: --retries must be an integer >= 0, got "-1"\n$/],
    ['a bad --max-cost', () => ['--prompts', prompts, '--out', 'b.jsonl', '--max-cost', 'lots', ...fakes.flags], /^routellm: --max-cost must be a number above 0, got "lots"\n$/],
    ['a bad --sample', () => ['--prompts', prompts, '--out', 'b.jsonl', '--sample', '1.5', ...fakes.flags], /^routellm: --sample must be a positive integer, got "1\.5"\n$/],
    ['a bad --timeout', () => ['--prompts', prompts, '--out', 'b.jsonl', '--timeout', '0', ...fakes.flags], /^routellm: --timeout must be a number above 0, got "0"\n$/],
    ['no judge model', () => ['--prompts', prompts, '--out', 'b.jsonl', '--strong-model', 's/a', '--weak-model', 'w/b', '--config', fakes.config], /^routellm: label needs --judge-model \(or ROUTELLM_JUDGE_MODEL\), e\.g\. --judge-model gpt-4o\n$/],
    ['no strong model', () => ['--prompts', prompts, '--out', 'b.jsonl', '--weak-model', 'w/b', '--judge-model', 'j/c', '--config', fakes.config], /^routellm: label needs --strong-model \(or ROUTELLM_STRONG_MODEL, or models\.strong in --config\), e\.g\. --strong-model gpt-4o\n$/],
    ['one model twice', () => ['--prompts', prompts, '--out', 'b.jsonl', '--strong-model', 's/a', '--weak-model', 's/a', '--judge-model', 'j/c', '--config', fakes.config], /^routellm: --strong-model and --weak-model are both "s\/a": a battle needs two models\n$/],
    ['a missing API key', () => ['--prompts', prompts, '--out', 'b.jsonl', '--strong-model', 'groq/llama', '--weak-model', 'w/b', '--judge-model', 'j/c', '--config', fakes.config], /^routellm: model "groq\/llama" goes to groq .* but GROQ_API_KEY is not set; .*\n$/],
    ['an unknown model prefix', () => ['--prompts', prompts, '--out', 'b.jsonl', '--strong-model', 'groqq/llama', '--weak-model', 'w/b', '--judge-model', 'j/c', '--config', fakes.config], /^routellm: model "groqq\/llama" has the provider prefix "groqq\/", which no provider table knows .*\n$/],
    ['an unknown --winner-rule', () => ['--prompts', prompts, '--out', 'b.jsonl', '--winner-rule', 'best', ...fakes.flags], /^routellm: option '--winner-rule <rule>' argument 'best' is invalid. Allowed choices are routellm, three-way; run routellm label --help for usage\n$/],
    ['--out that is a directory', () => ['--prompts', prompts, '--out', 'a-dir', ...fakes.flags], /^routellm: cannot write --out \S*a-dir: it is a directory\n$/],
    ['--out holding something else', () => ['--prompts', prompts, '--out', 'not-battles.jsonl', ...fakes.flags], /^routellm: --out .*not-battles\.jsonl: line 1 is not a battle label writes .*; give label an --out of its own\n$/],
    ['--out a binary file: said of --out, not of the prompts (QA-6 O)', () => ['--prompts', prompts, '--out', 'model.safetensors', ...fakes.flags], /^routellm: --out .*model\.safetensors: line 1 is not valid UTF-8 text; it is not a battle label writes \(a JSON line\); give label an --out of its own\n$/],
    ['--out holding another pair', () => ['--prompts', prompts, '--out', 'other-pair.jsonl', ...fakes.flags], /^routellm: --out other-pair\.jsonl holds battles of gpt-4o vs w\/weak-1 judged by j\/judge-1, not s\/strong-1 vs w\/weak-1 judged by j\/judge-1; use another --out, or the same models to continue it\n$/],
    ['--out the prompts file', () => ['--prompts', prompts, '--out', prompts, ...fakes.flags], /^routellm: --out is the --prompts file: give the battles a file of their own\n$/],
    ['--failed the --out file', () => ['--prompts', prompts, '--out', 'b.jsonl', '--failed', 'b.jsonl', ...fakes.flags], /^routellm: --failed is the --out file: give failed prompts a file of their own\n$/],
    ['a missing config', () => ['--prompts', prompts, '--out', 'b.jsonl', '--strong-model', 's/a', '--weak-model', 'w/b', '--judge-model', 'j/c', '--config', 'none.yaml'], /^routellm: cannot read config file none\.yaml: ENOENT\n$/],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const before = fakes.strong.requests.length + fakes.weak.requests.length + fakes.judge.requests.length;
      const result = await run(...argv());
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
      expect(fakes.strong.requests.length + fakes.weak.requests.length + fakes.judge.requests.length).toBe(before);
    });
  }
});
