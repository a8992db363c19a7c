import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultiModelCsv } from '../helpers/multi-model-csv.js';
import { runCliChild } from '../helpers/run-cli-child.js';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.js';

// A list is cheapest first: its last model is the reference (100% of the bill), shares and
// fallback read it in order. Given strongest first, every command refuses it with one line naming
// the order its costs imply (QA-FINDINGS-6 G: eval printed "19566.8% of the bill", doctor "ok").
let dir: string;
let upstream: UpstreamServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-list-order-'));
  upstream = await startUpstreamServer({ models: ['small', 'mid', 'big'] });
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const ENTRIES = {
  small: '{ name: small, scored_as: mistralai/mistral-7b-chat, price: { input: 0.05, output: 0.08 } }',
  mid: '{ name: mid, scored_as: zero-one-ai/Yi-34B-Chat, price: { input: 0.8, output: 0.8 } }',
  big: '{ name: big, scored_as: gpt-4-1106-preview, price: { input: 10, output: 30 } }',
};

async function listFile(name: string, entries: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `models:\n${entries.map((entry) => `  - ${entry.replace('{ name:', `{ base_url: ${upstream.baseURL}, name:`)}`).join('\n')}\n`);
  return path;
}

const REVERSED = /: models must run cheapest first \(the last model is the reference, 100% of the bill\), but "big" \(\$25 per 1,000 typical requests: 1,000 tokens in, 500 out\) comes before "mid" \(\$1\.2\); by cost the order is small, mid, big: list them so\n$/;

describe('a models: list given strongest first', () => {
  it('is refused by serve, route and calibrate with one line naming the order the prices imply, exit 2', async () => {
    const config = await listFile('reversed.yaml', [ENTRIES.big, ENTRIES.mid, ENTRIES.small]);
    for (const argv of [
      ['serve', '--config', config, '--port', '0'],
      ['route', '--config', config, 'What is 2+2?'],
      ['calibrate', '--config', config, '--strong-model-pct', '30%', '--prompts', config],
    ]) {
      const result = await runCliChild(argv, { cwd: dir, env: { CI: 'true' } });
      expect(result.code, argv[0]).toBe(2);
      expect(result.stdout, argv[0]).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines, argv[0]).toHaveLength(1);
      expect(`${(JSON.parse(lines[0]!.startsWith('{') ? lines[0]! : JSON.stringify({ msg: lines[0] })) as { msg: string }).msg}\n`, argv[0]).toMatch(REVERSED);
    }
  });

  it('doctor fails it as a configuration error', async () => {
    const config = await listFile('reversed-doctor.yaml', [ENTRIES.big, ENTRIES.mid, ENTRIES.small]);
    const result = await runCliChild(['doctor', '--config', config], { cwd: dir, env: { CI: 'true' } });
    expect(result.code).toBe(2);
    expect(result.stdout.replace(/\s+/g, ' ')).toMatch(/fail models \S+reversed-doctor\.yaml: models must run cheapest first .* by cost the order is small, mid, big: list them so/);
    expect(result.stdout).not.toMatch(/ok\s+models/);
  });

  it('accepts models of equal cost in either order, and the list in the right order', async () => {
    const free = '{ name: local-a, scored_as: mistralai/mistral-7b-chat, price: { input: 0, output: 0 } }';
    const free2 = '{ name: local-b, scored_as: WizardLM/WizardLM-13B-V1.2, price: { input: 0, output: 0 } }';
    for (const [name, entries] of [['ordered.yaml', [ENTRIES.small, ENTRIES.mid, ENTRIES.big]], ['ties.yaml', [free2, free, ENTRIES.big]]] as const) {
      const config = await listFile(name, entries);
      const result = await runCliChild(['route', '--config', config, '--json', 'What is 2+2?'], { cwd: dir, env: { CI: 'true' } });
      expect(result.stderr, name).toBe('');
      expect(result.code, name).toBe(0);
    }
  });

  // Measured costs follow each model's answer lengths: neighbours may swap on a task (RouterBench's
  // 11 models do on MBPP), so eval checks that the reference is the dearest.
  it('eval --models refuses a list whose |total_cost columns put a dearer model before the reference, and takes neighbours swapped', async () => {
    const { file } = await writeMultiModelCsv(dir, 'ladder.csv');
    const reversed = await runCliChild(['eval', '--benchmark', file, '--models', 'large,small', '--no-plot'], { cwd: dir, env: { CI: 'true' } });
    expect(reversed.code).toBe(2);
    expect(reversed.stdout).toBe('');
    expect(reversed.stderr).toMatch(
      /^routellm: --models must end with its dearest model \(the last is the reference, 100% of the bill\), but "large" \(\$\d[\d.]* per 1,000 prompts of ladder\.csv\) costs more than "small" \(\$0\.\d+\); by cost the order is small, large: list them so\n$/,
    );
    expect(await readFile(file, 'utf8')).toContain('large|total_cost');
    const swapped = await runCliChild(['eval', '--benchmark', file, '--models', 'medium,small,large', '--no-plot'], { cwd: dir, env: { CI: 'true' } });
    // Past the order check, to the next one: the shipped knn scores RouterBench's models, not these.
    expect(swapped.stderr).toMatch(/^routellm: router "knn" does not score medium, small, large/);
  });
});
