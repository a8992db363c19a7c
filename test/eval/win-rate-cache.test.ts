import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Router } from '../../src/core/index.js';
import { winRatesWithCache } from '../../src/eval/score-with-cache.js';
import { promptKey, resolveCacheDir, WinRateCache } from '../../src/eval/win-rate-cache.js';

/** A deterministic router that counts the prompts it scored. */
function countingRouter(fingerprint = 'len:v1') {
  const scored: string[] = [];
  const router: Router = {
    name: 'len',
    fingerprint,
    strongWinRate: (prompt) => {
      scored.push(prompt);
      return Math.min(1, prompt.length / 10);
    },
  };
  return { router, scored };
}

describe('win-rate cache', () => {
  it('scores each distinct prompt once, then answers from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const warnings: string[] = [];
    const first = countingRouter();
    const cache = await WinRateCache.open(dir, first.router.fingerprint, (m) => warnings.push(m));
    const rates = await winRatesWithCache(first.router, ['a', 'bbb', 'a', 'cccccc'], cache);
    expect([...rates]).toEqual([0.1, 0.3, 0.1, 0.6]);
    expect(first.scored).toEqual(['a', 'bbb', 'cccccc']);

    const second = countingRouter();
    const reopened = await WinRateCache.open(dir, second.router.fingerprint, (m) => warnings.push(m));
    expect(reopened.size).toBe(3);
    const again = await winRatesWithCache(second.router, ['cccccc', 'a', 'dd'], reopened);
    expect([...again]).toEqual([0.6, 0.1, 0.2]);
    expect(second.scored).toEqual(['dd']);
    expect(warnings).toEqual([]);
    // Prompt text never lands on disk, only its hash; no temp files are left behind.
    const files = await readdir(join(dir, 'win-rates'));
    expect(files).toHaveLength(1);
    const text = await readFile(join(dir, 'win-rates', files[0]!), 'utf8');
    expect(text).toContain(promptKey('cccccc'));
    expect(text).not.toContain('cccccc"');
  });

  it('keeps one file per fingerprint, so new weights never read old rates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const v1 = countingRouter('len:v1');
    await winRatesWithCache(v1.router, ['a'], await WinRateCache.open(dir, 'len:v1', () => {}));
    const v2 = countingRouter('len:v2');
    await winRatesWithCache(v2.router, ['a'], await WinRateCache.open(dir, 'len:v2', () => {}));
    expect(v2.scored).toEqual(['a']);
    expect(await readdir(join(dir, 'win-rates'))).toHaveLength(2);
  });

  it.each([
    ['not JSON', '{"version":1,"fingerp'],
    ['a rate out of range', JSON.stringify({ version: 1, fingerprint: 'len:v1', rates: { [promptKey('a')]: 7 } })],
    ['another fingerprint', JSON.stringify({ version: 1, fingerprint: 'other', rates: { [promptKey('a')]: 0.9 } })],
  ])('rebuilds a corrupt cache (%s) with a warning, never trusting it', async (_what, content) => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const seed = await WinRateCache.open(dir, 'len:v1', () => {});
    await mkdir(join(dir, 'win-rates'), { recursive: true });
    await writeFile(seed.path, content);
    const warnings: string[] = [];
    const { router, scored } = countingRouter();
    const cache = await WinRateCache.open(dir, 'len:v1', (m) => warnings.push(m));
    const rates = await winRatesWithCache(router, ['a'], cache);
    expect([...rates]).toEqual([0.1]);
    expect(scored).toEqual(['a']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/win-rate cache .* is corrupt .*; rebuilding it/);
    // Rewritten whole and valid.
    const reopened = await WinRateCache.open(dir, 'len:v1', (m) => warnings.push(m));
    expect(reopened.get(promptKey('a'))).toBe(0.1);
    expect(warnings).toHaveLength(1);
  });

  it('rejects a router that returns a win rate outside [0, 1], keeping what was scored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const router: Router = { name: 'bad', fingerprint: 'bad:1', strongWinRate: (prompt) => (prompt === 'x' ? Number.NaN : 0.5) };
    const cache = await WinRateCache.open(dir, 'bad:1', () => {});
    await expect(winRatesWithCache(router, ['ok', 'x'], cache)).rejects.toThrow('router "bad" returned an invalid win rate NaN');
  });

  it('stops between batches when aborted, keeping what was scored in the cache', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const controller = new AbortController();
    let calls = 0;
    const router: Router = {
      name: 'slow',
      fingerprint: 'slow:1',
      strongWinRate: () => 0.5,
      strongWinRates: async (prompts) => {
        calls += 1;
        controller.abort();
        return prompts.map(() => 0.25);
      },
    };
    const prompts = Array.from({ length: 600 }, (_, i) => `p${i}`);
    const cache = await WinRateCache.open(dir, 'slow:1', () => {});
    await expect(winRatesWithCache(router, prompts, cache, undefined, controller.signal)).rejects.toThrow(
      'interrupted while scoring with router "slow"; 256 win rates kept in the cache',
    );
    expect(calls).toBe(1);
    expect((await WinRateCache.open(dir, 'slow:1', () => {})).size).toBe(256);
  });

  it('resolves the directory: flag, ROUTELLM_CACHE_DIR, XDG_CACHE_HOME, HOME', () => {
    expect(resolveCacheDir('c', { ROUTELLM_CACHE_DIR: '/e' }, '/w')).toBe('/w/c');
    expect(resolveCacheDir(undefined, { ROUTELLM_CACHE_DIR: '/e', XDG_CACHE_HOME: '/x' }, '/w')).toBe('/e');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/x' }, '/w')).toBe('/x/routellm');
    expect(resolveCacheDir(undefined, { HOME: '/h' }, '/w')).toBe('/h/.cache/routellm');
  });
});
