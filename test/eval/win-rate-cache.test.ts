import { createHash } from 'node:crypto';
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
    // Prompt text never lands on disk, only 64 bits of its hash, 16 bytes an entry; no temp files are left behind.
    const files = await readdir(join(dir, 'win-rates'));
    expect(files).toHaveLength(1);
    const bytes = await readFile(join(dir, 'win-rates', files[0]!));
    expect(bytes.toString('latin1')).not.toContain('cccccc');
    expect(bytes.length).toBe(16 + Buffer.byteLength('len:v1') + 4 * 16); // a, bbb, cccccc, dd
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

  /** A version-2 cache file, as save() writes it, with the entries given. */
  function cacheFile(fingerprint: string, entries: [string, number][], count = entries.length): Buffer {
    const print = Buffer.from(fingerprint);
    const bytes = Buffer.alloc(16 + print.length + entries.length * 16);
    bytes.write('RLWR', 0, 'latin1');
    bytes.writeUInt32LE(2, 4);
    bytes.writeUInt32LE(print.length, 8);
    print.copy(bytes, 12);
    bytes.writeUInt32LE(count, 12 + print.length);
    entries.forEach(([prompt, rate], i) => {
      const key = promptKey(prompt);
      bytes.writeUInt32LE(key.hi, 16 + print.length + i * 16);
      bytes.writeUInt32LE(key.lo, 20 + print.length + i * 16);
      bytes.writeDoubleLE(rate, 24 + print.length + i * 16);
    });
    return bytes;
  }

  it('reads back a file it wrote, and refuses the same bytes for another fingerprint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const seed = await WinRateCache.open(dir, 'len:v1', () => {});
    await mkdir(join(dir, 'win-rates'), { recursive: true });
    await writeFile(seed.path, cacheFile('len:v1', [['a', 0.25]]));
    expect((await WinRateCache.open(dir, 'len:v1', () => {})).get(promptKey('a'))).toBe(0.25);
  });

  it.each([
    ['not a cache file', Buffer.from('{"version":1,"fingerp')],
    ['a rate out of range', cacheFile('len:v1', [['a', 7]])],
    ['another fingerprint', cacheFile('other', [['a', 0.9]])],
    ['truncated', cacheFile('len:v1', [['a', 0.9]], 2)],
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

  it("takes over an older routellm's JSON cache (version 1), so an upgrade rescores nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const path = (await WinRateCache.open(dir, 'len:v1', () => {})).path.replace(/\.bin$/, '.json');
    await mkdir(join(dir, 'win-rates'), { recursive: true });
    const hex = (prompt: string) => createHash('sha1').update(prompt).digest('hex');
    await writeFile(path, JSON.stringify({ version: 1, fingerprint: 'len:v1', rates: { [hex('a')]: 0.1, [hex('bbb')]: 0.3 } }));
    const { router, scored } = countingRouter();
    const rates = await winRatesWithCache(router, ['a', 'bbb', 'cc'], await WinRateCache.open(dir, 'len:v1', () => {}));
    expect([...rates]).toEqual([0.1, 0.3, 0.2]);
    expect(scored).toEqual(['cc']);
    expect((await WinRateCache.open(dir, 'len:v1', () => {})).size).toBe(3);
  });

  it('holds and reloads many entries in a compact table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const cache = await WinRateCache.open(dir, 'many:1', () => {});
    const n = 200_000;
    for (let i = 0; i < n; i += 1) cache.set(promptKey(`prompt ${i}`), (i % 1000) / 1000);
    await cache.save();
    const reopened = await WinRateCache.open(dir, 'many:1', () => {});
    expect(reopened.size).toBe(n);
    for (const i of [0, 1, 4242, n - 1]) expect(reopened.get(promptKey(`prompt ${i}`))).toBe((i % 1000) / 1000);
    expect(reopened.get(promptKey('never seen'))).toBeUndefined();
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

  it('hears an abort sent from outside while an offline router scores without ever waiting on I/O', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routellm-cache-'));
    const controller = new AbortController();
    let calls = 0;
    // Answers at once: its awaits never leave the microtask queue, where a signal is never delivered.
    const router: Router = { name: 'quick', fingerprint: 'quick:1', strongWinRate: () => 0.5, strongWinRates: async (prompts) => (calls++, prompts.map(() => 0.5)) };
    const prompts = Array.from({ length: 10_000 }, (_, i) => `p${i}`);
    const cache = await WinRateCache.open(dir, 'quick:1', () => {});
    // As Ctrl-C arrives: a task of the event loop, not a microtask, queued once scoring has begun.
    setImmediate(() => controller.abort());
    await expect(winRatesWithCache(router, prompts, cache, undefined, controller.signal)).rejects.toThrow('interrupted while scoring with router "quick"');
    expect(calls).toBeLessThan(3);
  });

  it('resolves the directory: flag, ROUTELLM_CACHE_DIR, XDG_CACHE_HOME, HOME', () => {
    expect(resolveCacheDir('c', { ROUTELLM_CACHE_DIR: '/e' }, '/w')).toBe('/w/c');
    expect(resolveCacheDir(undefined, { ROUTELLM_CACHE_DIR: '/e', XDG_CACHE_HOME: '/x' }, '/w')).toBe('/e');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/x' }, '/w')).toBe('/x/routellm');
    expect(resolveCacheDir(undefined, { HOME: '/h' }, '/w')).toBe('/h/.cache/routellm');
  });
});
