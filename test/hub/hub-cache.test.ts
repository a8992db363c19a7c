import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { HubCache } from '../../src/hub/hub-cache.js';

let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('writes one ref from two downloads at once without either rename failing (each write has its own temporary file)', async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-cache-'));
  const cache = new HubCache(dir);
  const repo = { type: 'model' as const, id: 'routellm/mf_test' };
  // With one temporary name per process, the second rename found the first had taken the file (ENOENT).
  await Promise.all([cache.writeRef(repo, 'main', 'a'.repeat(40)), cache.writeRef(repo, 'main', 'a'.repeat(40)), cache.writeRef(repo, 'main', 'a'.repeat(40))]);
  const refs = join(cache.repoDir(repo), 'refs');
  expect(readFileSync(join(refs, 'main'), 'utf8')).toBe('a'.repeat(40));
  expect(readdirSync(refs)).toEqual(['main']);
});
