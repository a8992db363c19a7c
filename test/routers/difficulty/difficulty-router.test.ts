import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDifficultyCheckpoint } from '../../../src/routers/difficulty/difficulty-checkpoint.js';
import { cachedScorer, goesToLexical } from '../../../src/routers/difficulty/difficulty-router.js';
import { datasetsDir } from '../../../src/runtime/package-paths.js';

const mc = 'Which gas makes up most of the atmosphere of Mars?\nA. Nitrogen\nB. Carbon dioxide\nC. Argon\nD. Oxygen\nAnswer:';
const fewShot = `Which is a metal?\nA) iron\nB) wood\nAnswer:\nA\n\n${mc}`;

describe('the difficulty router', () => {
  it('sends a multiple-choice question asked on its own to lexical, a few-shot one and open prompts to its model', () => {
    expect(goesToLexical(mc)).toBe(true);
    expect(goesToLexical(fewShot)).toBe(false);
    expect(goesToLexical('Prove that there are infinitely many primes.')).toBe(false);
  });

  it('answers a repeated prompt from its cache, and forgets the least recent beyond its size', () => {
    let calls = 0;
    const score = cachedScorer((p) => (calls++, p.length / 10), 2);
    expect([score('a'), score('a'), score('bb')]).toEqual([0.1, 0.1, 0.2]);
    expect(calls).toBe(2);
    score('ccc'); // evicts 'a'
    score('a');
    expect(calls).toBe(4);
  });

  it('refuses weights of another feature version, naming the file', async () => {
    const dir = join(datasetsDir(), 'difficulty');
    const [weights, config] = await Promise.all([readFile(join(dir, 'model.safetensors')), readFile(join(dir, 'config.json'))]);
    const names = { weights: 'w.safetensors', config: 'c.json' };
    expect(decodeDifficultyCheckpoint(weights, config, names).model.dim).toBe(291);
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(config.toString('utf8')), features: 'structure:v0' }));
    expect(() => decodeDifficultyCheckpoint(weights, other, names)).toThrow(/c\.json: "features" is "structure:v0"; this version reads structure:v3\+use-static:v1/);
  });
});
