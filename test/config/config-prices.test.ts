import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAnswer } from '../../src/chat/describe-answer.js';
import { configPrices } from '../../src/config/config-prices.js';
import { loadConfig } from '../../src/config/load-config.js';
import { PriceTable } from '../../src/upstream/price-table.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'routellm-config-prices-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('configPrices', () => {
  it("takes prices: and each models: list entry's own price (chat said \"cost unknown (no price for mid ...)\" for a priced entry)", async () => {
    const file = join(dir, 'list.yaml');
    await writeFile(
      file,
      'prices:\n  extra: { input: 1, output: 2 }\n  mid: { input: 99, output: 99 }\nmodels:\n  - name: small\n    base_url: http://127.0.0.1:1/v1\n    price: { input: 0.1, output: 0.1 }\n  - name: mid\n    base_url: http://127.0.0.1:1/v1\n    price: { input: 0.8, output: 0.8 }\n  - gpt-4-1106-preview\n',
    );
    const config = await loadConfig(file, {}, dir);
    // The entry's price wins over prices:, as serve bills it; a bare name keeps the table's.
    expect(configPrices(config)).toEqual({ extra: { input: 1, output: 2 }, mid: { input: 0.8, output: 0.8 }, small: { input: 0.1, output: 0.1 } });
    const answer = { content: 'hi', model: 'mid', fallbackFrom: undefined, router: 'knn', threshold: 0.2, strongWinRate: undefined, usage: { inputTokens: 1000, outputTokens: 500 } };
    expect(describeAnswer(answer, { totalMs: 100, firstTextMs: undefined }, new PriceTable(configPrices(config)))).toBe('mid · threshold 0.2 · knn · 100 ms · $0.0012');
  });

  it('a price with one side says the other "is missing" (QA-6 X: it said "must be a non-negative number ..., got undefined")', async () => {
    const file = join(dir, 'half-priced.yaml');
    await writeFile(file, 'models:\n  - name: a\n    base_url: http://127.0.0.1:1/v1\n    price: { input: 0.05 }\n  - name: b\n    base_url: http://127.0.0.1:1/v1\n    price: { input: 1, output: 2 }\n');
    const result = await runCliInProcess(['route', '--config', file, 'hi'], { cwd: dir });
    expect([result.code, result.stderr]).toEqual([2, `routellm: ${file}: models[0].price.output is missing: a price needs both input and output, in USD per million tokens (0 for a free side)\n`]);
  });
});
