import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What `npm pack` would publish (the package as built: `npm test` builds first). */
function packList(): { files: string[]; size: number; unpackedSize: number } {
  // --ignore-scripts: pack's `prepare` would rebuild dist/ under the other tests' feet.
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });
  expect(result.status, result.stderr).toBe(0);
  const [pack] = JSON.parse(result.stdout) as { files: { path: string }[]; size: number; unpackedSize: number }[];
  return { files: pack!.files.map((file) => file.path).sort(), size: pack!.size, unpackedSize: pack!.unpackedSize };
}

describe('npm pack', () => {
  const pack = packList();

  it('ships what a user needs: the CLI, the library entry and its one .d.ts, the compiled sources, the shipped weights and table, the licence', () => {
    for (const path of ['LICENSE', 'README.md', 'package.json', 'bin/routellm.js', 'dist/src/index.js', 'dist/index.d.ts', 'dist/src/cli/main.js', 'dist/src/eval/progress/ink-progress.js', 'datasets/mf/model.safetensors', 'datasets/lexical/config.json', 'datasets/calibration/quantiles.json']) {
      expect(pack.files).toContain(path);
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
  });

  it('ships nothing else: no benches, examples or test helpers, no sources, no source maps pointing at them, no per-file declarations', () => {
    const stray = pack.files.filter((path) => /^(dist\/(bench|test|examples|types)|src|test|bench|examples)\//.test(path) || path.endsWith('.map') || (path.endsWith('.ts') && path !== 'dist/index.d.ts'));
    expect(stray).toEqual([]);
    const mapped = pack.files.filter((path) => path.endsWith('.js') && readFileSync(join(ROOT, path), 'utf8').includes('sourceMappingURL'));
    expect(mapped).toEqual([]);
  });

  it('every relative import of a shipped file is shipped too', () => {
    const shipped = new Set(pack.files);
    const missing: string[] = [];
    for (const path of pack.files.filter((file) => file.endsWith('.js'))) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(path), match[1]!));
        if (!shipped.has(target)) missing.push(`${path} -> ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("ships the docs that the shipped pages link to and the CLI's messages name: they work offline, from node_modules/routellm", () => {
    const shipped = new Set(pack.files);
    const dead: string[] = [];
    for (const page of pack.files.filter((path) => path.endsWith('.md'))) {
      for (const match of readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(match[1]!)) continue;
        const target = normalize(join(dirname(page), match[1]!));
        if (!shipped.has(target)) dead.push(`${page} -> ${target}`);
      }
    }
    const named = new Set<string>();
    for (const path of pack.files.filter((file) => file.endsWith('.js'))) {
      for (const match of readFileSync(join(ROOT, path), 'utf8').matchAll(/\bdocs\/[a-z0-9-]+\.md\b/g)) named.add(match[0]);
    }
    expect(named.size).toBeGreaterThan(0);
    for (const doc of named) if (!shipped.has(doc)) dead.push(`named in the CLI: ${doc}`);
    expect(dead).toEqual([]);
  });

  it('is the size the README says', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const stated = /npm package is about ([\d.]+) MB \(([\d.]+) MB unpacked/.exec(readme);
    expect(stated, 'README states the package size').not.toBeNull();
    // Stated to a tenth of a megabyte; within 15% as the code grows.
    expect(Math.abs(Number(stated![1]) * 1e6 - pack.size) / pack.size).toBeLessThan(0.15);
    expect(Math.abs(Number(stated![2]) * 1e6 - pack.unpackedSize) / pack.unpackedSize).toBeLessThan(0.15);
  });
});
