import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfRouterFactory } from '../../src/routers/mf/mf-router.js';
import { nodeRouterContext } from '../../src/runtime/node-router-context.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let dir: string;

// A score table with a planted signal: on mathematics prompts only the strong model is right;
// on cooking prompts both are. With --ties weak the router should learn "mathematics -> strong".
const math = ['integral', 'derivative', 'eigenvalue', 'polynomial', 'theorem', 'matrix', 'prime', 'logarithm', 'equation', 'probability'];
const cooking = ['pasta', 'garlic', 'onion', 'butter', 'salad', 'soup', 'bread', 'cheese', 'tomato', 'chicken'];
function rows(): string[] {
  const out = ['prompt,strong-model,weak-model'];
  for (let i = 0; i < math.length; i++) {
    for (let j = 0; j < math.length; j++) {
      if (i === j) continue;
      out.push(`"Prove the ${math[i]} identity using the ${math[j]}",True,False`);
      out.push(`"Suggest a recipe with ${cooking[i]} and ${cooking[j]}",True,True`);
    }
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-cli-'));
  await writeFile(join(dir, 'scores.csv'), `${rows().join('\n')}\n`);
  await writeFile(
    join(dir, 'battles.jsonl'),
    [
      { prompt: 'a', model_a: 'x', model_b: 'y', winner: 'model_a' },
      { prompt: 'b', model_a: 'x', model_b: 'y', winner: 'who knows' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const train = (out: string, extra: string[] = []) =>
  runCliInProcess(
    ['train', '--data', 'scores.csv', '--out', out, '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--split', 'random', '--holdout', '0.3', '--ties', 'weak', '--epochs', '15', ...extra],
    { cwd: dir },
  );

describe('routellm train', () => {
  it('learns the planted signal, prints held-out metrics, writes weights, config and model card', async () => {
    const result = await train('out1');
    expect(result.stderr).toContain('epoch 15/15');
    expect(result.code).toBe(0);
    const accuracy = Number(/accuracy ([\d.]+)/.exec(result.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(result.stdout).toMatch(/held out APGR [\d.]+ {2}scores\.csv/);
    const config = JSON.parse(await readFile(join(dir, 'out1', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ num_models: 2, text_dim: 256, embedder: 'use-static:v1', model_names: ['strong-model', 'weak-model'] });
    const card = await readFile(join(dir, 'out1', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('seeded random 30% of prompts');
    expect(card).toContain('embedder: `use-static:v1`');

    const router = await mfRouterFactory.create({ checkpoint_path: 'out1' }, nodeRouterContext({ env: {}, cwd: dir }));
    const mathRate = await router.strongWinRate('Prove the prime identity using the matrix');
    const cookingRate = await router.strongWinRate('Suggest a recipe with soup and bread');
    expect(mathRate).toBeGreaterThan(cookingRate);
  });

  it('is reproducible: the same seed writes the same bytes', async () => {
    await train('out2', ['--seed', '9']);
    await train('out3', ['--seed', '9']);
    const [a, b] = await Promise.all([readFile(join(dir, 'out2', 'model.safetensors')), readFile(join(dir, 'out3', 'model.safetensors'))]);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('trains sw_ranking data that the sw_ranking router loads and routes with offline', async () => {
    const battles = math.flatMap((word, i) => [
      { prompt: `Prove the ${word} identity`, model_a: 'strong-model', model_b: 'weak-model', winner: 'model_a' },
      { prompt: `Suggest a recipe with ${cooking[i]}`, model_a: 'weak-model', model_b: 'strong-model', winner: 'model_a' },
    ]);
    await writeFile(join(dir, 'sw-battles.jsonl'), battles.map((b) => JSON.stringify(b)).join('\n'));
    const result = await runCliInProcess(
      ['train', '--router', 'sw_ranking', '--data', 'sw-battles.jsonl', '--out', 'sw', '--split', 'none', '--strong-model', 'strong-model', '--weak-model', 'weak-model'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote .*battles\.jsonl, .*embeddings\.safetensors, .*MODEL_CARD\.md/);
    const { createBuiltinRegistry } = await import('../../src/routers/builtin-registry.js');
    const router = await createBuiltinRegistry()
      .get('sw_ranking')
      .create({ data_dir: 'sw', strong_model: 'strong-model', weak_model: 'weak-model' }, nodeRouterContext({ env: {}, cwd: dir }));
    expect(await router.strongWinRate('Prove the matrix identity')).toBeGreaterThan(await router.strongWinRate('Suggest a recipe with garlic'));
  });

  it('sw_ranking with the default sha1 split scores the held-out prompts and writes a card that agrees with itself', async () => {
    const result = await runCliInProcess(['train', '--router', 'sw_ranking', '--data', 'scores.csv', '--out', 'sw-sha1', '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--ties', 'weak'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('train 87, held out 93 (sha1 split)');
    expect(result.stdout).toMatch(/^held out: 93 battles, accuracy 1\.0000 on decisive ones, log-loss [\d.]+$/m);
    const apgr = Number(/^held out APGR ([\d.]+) {2}scores\.csv \(93 prompts\)$/m.exec(result.stdout)?.[1]);
    expect(apgr).toBeGreaterThan(0.7); // the planted signal (0.7516 is what lexical, with perfect accuracy, scores here)
    const card = await readFile(join(dir, 'sw-sha1', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('- train: 87 prompts, 87 battles; held out: 93 prompts, 93 battles');
    expect(card).toContain('- hyper-parameters: num_tiers=10, battle_weights=10*10^(sim/max_sim), ties=weak\n');
    expect(card).not.toContain('no held-out split');
    expect(card).toMatch(/^- battles: 93; accuracy on decisive battles: 1\.0000; log-loss: [\d.]+$/m);
    expect(card).toContain(`- APGR scores.csv: ${apgr.toFixed(4)} over 93 prompts`);
    // The metrics end the readable card; the (hidden) declaration of the 87 training prompts follows.
    expect(card).toMatch(/\)\n\n<!-- routellm:trained-prompts sha1-32 87 [A-Za-z0-9+/=]+ -->\n$/);
    // Held-out prompts are scored, not kept: the router holds the training battles only.
    expect((await readFile(join(dir, 'sw-sha1', 'battles.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(87);
  });

  it('sw_ranking says n/a, not NaN, when every held-out battle involves a model the training battles never saw', async () => {
    const { mmluSplitOf } = await import('../../src/eval/mmlu-split.js');
    // Under --split sha1 the 'eval' prompts are held out: there only, strong-model meets a newcomer.
    const battles = [...math, ...cooking].map((word) => {
      const prompt = `Tell me about ${word}`;
      const other = mmluSplitOf(prompt) === 'eval' ? 'newcomer' : 'weak-model';
      return { prompt, model_a: 'strong-model', model_b: other, winner: 'model_a' };
    });
    expect(new Set(battles.map((b) => b.model_b))).toEqual(new Set(['weak-model', 'newcomer']));
    await writeFile(join(dir, 'sw-newcomer.jsonl'), battles.map((b) => JSON.stringify(b)).join('\n'));
    const result = await runCliInProcess(
      ['train', '--router', 'sw_ranking', '--data', 'sw-newcomer.jsonl', '--out', 'sw-newcomer', '--split', 'sha1', '--strong-model', 'strong-model', '--weak-model', 'weak-model'],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('NaN');
    expect(result.stdout).toMatch(/^held out: 0 battles, n\/a \(no held-out battle between trained models\)$/m);
    const card = await readFile(join(dir, 'sw-newcomer', 'MODEL_CARD.md'), 'utf8');
    expect(card).not.toContain('NaN');
    expect(card).toMatch(/^- battles: 0; n\/a \(no held-out battle between trained models\)$/m);
  });

  it('train --help names the files each router writes into --out', async () => {
    const help = await runCliInProcess(['train', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('model.safetensors + config.json (mf, lexical), battles.jsonl + embeddings.safetensors (sw_ranking)');
  });

  it('--skip-file leaves a named --data file out and says so in the model card', async () => {
    // Broken labels: the strong model "wrong" on every mathematics prompt, as one file of a glob might be.
    const broken = ['prompt,strong-model,weak-model', ...math.map((m) => `"Evaluate the ${m} of x",False,True`)];
    await writeFile(join(dir, 'broken.csv'), `${broken.join('\n')}\n`);
    const all = await runCliInProcess(['train', '--data', 'scores.csv', 'broken.csv', '--out', 'with', '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--split', 'none', '--ties', 'weak', '--epochs', '2'], { cwd: dir });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/over 190 prompts/);
    const skipped = await runCliInProcess(['train', '--data', 'scores.csv', 'broken.csv', '--skip-file', 'broken.csv', '--out', 'skipped', '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--split', 'none', '--ties', 'weak', '--epochs', '2'], { cwd: dir });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/over 180 prompts/);
    expect(skipped.stderr).toContain('leaving out (--skip-file): broken.csv\nreading 1 data file(s)');
    const card = await readFile(join(dir, 'skipped', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('Files left out (--skip-file):\n- broken.csv');
    expect(card).toContain('--skip-file broken.csv');
    expect(card.split('## Data\n')[1]!.split('\n\n')[0]).toBe('- scores.csv');
  });

  it.each([
    [['--skip-file', 'nothere.csv'], '--skip-file nothere.csv matches none of the --data files (give a file name, not a path)'],
    [['--skip-file', 'scores.csv'], '--skip-file leaves no --data files'],
  ])('--skip-file %j: exit 2 with one line', async (extra, message) => {
    const result = await train('never', extra);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`routellm: ${message}`);
  });

  it('rejects a bad winner with the file and line, and unknown models with the ones present', async () => {
    const bad = await runCliInProcess(['train', '--data', 'battles.jsonl', '--out', 'x'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/battles\.jsonl: line 2: winner must be model_a, model_b or tie, got "who knows"/);
    const unknown = await runCliInProcess(['train', '--data', 'scores.csv', '--out', 'x', '--split', 'none'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--strong-model "gpt-4-1106-preview" is not in the data; models: strong-model, weak-model/);
  });

  it("says serve's prompt sample (or route --json output) is to be labelled first, not read as models (QA-6 O)", async () => {
    await writeFile(
      join(dir, 'samples.jsonl'),
      '{"timestamp":"2026-12-06T23:51:25.335Z","prompt":"Solve for x: 1x + 4 = 7.","router":"mf","threshold":0.233,"strong_win_rate":0.369,"model":"strong-m"}\n',
    );
    const result = await runCliInProcess(['train', '--router', 'mf', '--data', 'samples.jsonl', '--out', 'x1'], { cwd: dir });
    const path = join(dir, 'samples.jsonl');
    expect(result.stderr).toContain(
      `routellm: ${path} holds routed prompts (serve --sample-prompts or route --json: prompt, router, threshold, model), not battles; label them first: routellm label --prompts ${path} --strong-model A --weak-model B --judge-model J --out battles.jsonl, then train --data battles.jsonl\n`,
    );
    expect(result.code).toBe(2);
  });

  it('defaults --weak-model to the spelling every other command uses', async () => {
    const help = await runCliInProcess(['train', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('default: the one the battles name in weak_model, else mistralai/Mixtral-8x7B-Instruct-v0.1');
    const weakOnly = await runCliInProcess(['train', '--data', 'scores.csv', '--out', 'x', '--split', 'none', '--strong-model', 'strong-model'], { cwd: dir });
    expect(weakOnly.code).toBe(2);
    expect(weakOnly.stderr).toContain('--weak-model "mistralai/Mixtral-8x7B-Instruct-v0.1" is not in the data');
  });
});

describe('routellm train: the routed pair', () => {
  it('comes from the battles\' strong_model/weak_model when no flag names it, and a flag wins', async () => {
    const battles = [
      { prompt: 'add two and two', model_a: 'big', model_b: 'small', winner: 'model_a', strong_model: 'big', weak_model: 'small' },
      { prompt: 'say hello', model_a: 'big', model_b: 'small', winner: 'model_b', strong_model: 'big', weak_model: 'small' },
    ];
    await writeFile(join(dir, 'labelled.jsonl'), battles.map((b) => `${JSON.stringify(b)}\n`).join(''));
    const inferred = await runCliInProcess(['train', '--data', 'labelled.jsonl', '--out', 'pair1', '--split', 'none', '--epochs', '1'], { cwd: dir });
    expect(inferred.code).toBe(0);
    expect(inferred.stderr).toContain("routed pair from the battles' strong_model/weak_model: strong big, weak small");
    expect(JSON.parse(await readFile(join(dir, 'pair1', 'config.json'), 'utf8'))).toMatchObject({ strong_model: 'big', weak_model: 'small' });
    const swapped = await runCliInProcess(['train', '--data', 'labelled.jsonl', '--out', 'pair2', '--split', 'none', '--epochs', '1', '--strong-model', 'small', '--weak-model', 'big'], { cwd: dir });
    expect(swapped.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'pair2', 'config.json'), 'utf8'))).toMatchObject({ strong_model: 'small', weak_model: 'big' });
  });

  it('is the flags\' to choose when the battles name two pairs', async () => {
    await writeFile(join(dir, 'other-pair.jsonl'), `${JSON.stringify({ prompt: 'q', model_a: 'huge', model_b: 'small', winner: 'model_a', strong_model: 'huge', weak_model: 'small' })}\n`);
    const result = await runCliInProcess(['train', '--data', 'labelled.jsonl', 'other-pair.jsonl', '--out', 'pair3', '--split', 'none'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\nroutellm: the battles name 2 routed pairs: big vs small \(\S*labelled\.jsonl\), huge vs small \(\S*other-pair\.jsonl\); choose one with --strong-model and --weak-model\n$/);
  });
});

describe('routellm train: every bad input is one line, found before the data is read', () => {
  // nope.csv does not exist: a message about anything else proves it was checked first.
  const before = ['--data', 'nope.csv', '--out', 'never'];
  it.each([
    [['--epochs', '0'], '--epochs must be a positive integer, got "0"'],
    [['--lr', 'fast'], '--lr must be a number above 0, got "fast"'],
    [['--router', 'lexical', '--buckets', '1000'], '--buckets must be a power of two from 2 to 16777216 (2^24), got "1000"'],
    [['--router', 'lexical', '--l2', '-1'], '--l2 must be a number >= 0, got "-1"'],
    [['--split', 'random', '--holdout', '1'], '--holdout must be a share strictly between 0 and 1, like 0.1, got "1"'],
    [['--router', 'lexical', '--epochs', '2'], '--epochs applies to --router mf only: lexical is a logistic regression fitted by L-BFGS'],
    [['--router', 'sw_ranking', '--epochs', '2'], '--epochs applies to --router mf only: sw_ranking has no trained parameters'],
    [['--router', 'mf', '--buckets', '1024'], '--buckets applies to --router lexical only'],
    [['--router', 'mf', '--align-to', 'mf'], '--align-to applies to --router lexical only'],
    [['--router', 'lexical', '--embedder', 'local'], '--embedder does not apply to --router lexical'],
    [['--holdout', '0.1'], '--holdout is the held-out share of --split random; --split sha1 decides the held-out prompts itself'],
    [['--embedder', 'foo'], '--embedder must be use-static, local, openai (or openai:<model>:<dim>), got "foo"'],
    [['--embedder', 'openai'], '--embedder openai needs an API key: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)'],
    [['--router', 'lexical', '--align-to', 'foo'], '--align-to: unknown router "foo"; available: '],
  ])('train %j', async (extra, message) => {
    const result = await runCliInProcess(['train', ...before, ...extra], { cwd: dir, env: {} });
    expect(result.stderr).toContain(`routellm: ${message}`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
  });

  it.each([
    ['p.txt', 'hello\nworld\n', 'p.txt: no "prompt" column (columns: hello); expected battles (prompt, model_a, model_b, winner) or a score table'],
    ['empty.txt', '', 'empty.txt is empty: expected a CSV file with a header line'],
    ['header.csv', 'prompt,a,b\n', 'header.csv has a header but no rows'],
    ['one-model.csv', 'prompt,a\nhi,True\n', 'one-model.csv: one model column (a) beside "prompt"'],
    ['empty-prompt.csv', 'prompt,a,b\nhi,True,False\n,True,False\n', 'empty-prompt.csv: row 3: the prompt is empty; every row needs a prompt'],
    ['empty-prompt.jsonl', '{"prompt":"","model_a":"a","model_b":"b","winner":"model_a"}\n', 'empty-prompt.jsonl: line 1: the prompt is empty'],
  ])('--data %s says what is wrong with it', async (name, content, message) => {
    await writeFile(join(dir, name), content);
    const result = await runCliInProcess(['train', '--data', name, '--out', 'never'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('::');
    expect(result.stderr).not.toContain('auto-detect');
  });
});

describe('routellm train --out', () => {
  const mf = (out: string) => ['train', '--data', 'scores.csv', '--out', out, '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--split', 'none', '--epochs', '1'];

  it('is checked before training: an existing file, a directory where config.json goes', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const file = await runCliInProcess(mf('a-file'), { cwd: dir });
    expect(file.stderr.trim()).toBe(`routellm: cannot write --out ${join(dir, 'a-file')}: not a directory`);
    expect(file.code).toBe(2);
    await mkdir(join(dir, 'half', 'config.json'), { recursive: true });
    await writeFile(join(dir, 'half', 'model.safetensors'), 'old weights');
    const half = await runCliInProcess(mf('half'), { cwd: dir });
    expect(half.stderr.trim()).toBe(`routellm: cannot write --out ${join(dir, 'half')}: ${join(dir, 'half', 'config.json')} is a directory`);
    expect(half.stderr).not.toContain('epoch');
    expect(await readFile(join(dir, 'half', 'model.safetensors'), 'utf8')).toBe('old weights');
  });

  // Node 20's recursive mkdir under /proc never settles, and root passes access(W_OK) on /sys:
  // only creating a file tells, and it must be done before training.
  it.skipIf(process.platform !== 'linux')('refuses /proc/x and /sys/x before reading the data', async () => {
    for (const [out, reason] of [['/proc/x', 'no such file or directory'], ['/sys/x', 'permission denied']] as const) {
      const result = await runCliInProcess(['train', '--router', 'lexical', '--data', 'nope.csv', '--out', out], { cwd: dir });
      expect(result.stderr.trim()).toBe(`routellm: cannot write --out ${out}: ${dirname(out)} is not writable (${reason})`);
      expect(result.code).toBe(2);
    }
  });

  it('refuses a directory holding another kind of router, and retrains one of the same kind in place only with --force', async () => {
    await mkdir(join(dir, 'sw-dir'), { recursive: true });
    await writeFile(join(dir, 'sw-dir', 'battles.jsonl'), '{}\n');
    await writeFile(join(dir, 'sw-dir', 'embeddings.safetensors'), 'x');
    const mixed = await runCliInProcess(mf('sw-dir'), { cwd: dir });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr.trim()).toBe(
      `routellm: --out ${join(dir, 'sw-dir')} holds a sw_ranking router (battles.jsonl, embeddings.safetensors); training mf there would mix the two: choose a new or empty directory, or delete those files first`,
    );
    expect((await readdir(join(dir, 'sw-dir'))).sort()).toEqual(['battles.jsonl', 'embeddings.safetensors']);

    const first = await runCliInProcess(mf('again'), { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const lexical = await runCliInProcess(['train', '--router', 'lexical', '--data', 'scores.csv', '--out', 'again', '--strong-model', 'strong-model', '--weak-model', 'weak-model', '--split', 'none'], { cwd: dir });
    expect(lexical.code).toBe(2);
    expect(lexical.stderr).toContain(`--out ${join(dir, 'again')} holds a mf router (config.json, model.safetensors); training lexical there would mix the two`);
    // The same kind: refused before training, the weights untouched (a serve may be on them), unless --force.
    const weights = await readFile(join(dir, 'again', 'model.safetensors'));
    const refused = await runCliInProcess([...mf('again'), '--epochs', '2'], { cwd: dir });
    expect(refused.stderr.trim()).toBe(
      `routellm: --out ${join(dir, 'again')} holds a mf router already (config.json, model.safetensors); a serve on those weights would load the new ones at its next reload: choose a new directory, or add --force to replace them`,
    );
    expect(refused.code).toBe(2);
    expect(await readFile(join(dir, 'again', 'model.safetensors'))).toEqual(weights);
    const second = await runCliInProcess([...mf('again'), '--epochs', '2', '--force'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(await readFile(join(dir, 'again', 'model.safetensors'))).not.toEqual(weights);
    expect((await readdir(join(dir, 'again'))).sort()).toEqual(['MODEL_CARD.md', 'config.json', 'model.safetensors']);
  });
});
