import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShareStateSaver } from '../../src/shares/share-state-saver.js';

describe('ShareStateSaver: the one writer of --share-state FILE (single process and serve --workers)', () => {
  it('writes only when the windows changed, warns once while it cannot write, and says when it writes again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-saver-'));
    try {
      // Under a regular file, no directory can be made: every write fails until it is removed.
      await writeFile(join(dir, 'blocked'), '');
      const path = join(dir, 'blocked', 'state.json');
      let version = 0;
      const lines: string[] = [];
      const saver = new ShareStateSaver(path, { version: () => version, text: () => JSON.stringify({ version }) }, {
        log: { warn: (line) => lines.push(`warn ${line}`), info: (line) => lines.push(`info ${line}`) },
        savedAt: 0,
        intervalMs: 3_600_000,
      });
      await saver.save(); // nothing changed since what the file holds: no write, no line
      expect(lines).toEqual([]);
      version = 1;
      await saver.save();
      version = 2;
      await saver.save();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^warn share state: cannot write .*state\.json \(E[A-Z]+\); routing goes on/);
      await rm(join(dir, 'blocked'));
      await saver.close();
      expect(lines[1]).toBe(`info share state: ${path} is written again`);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
