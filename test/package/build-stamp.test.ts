import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'build-stamp.mjs');

function run(cwd: string, command: string, args: string[]) {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });
}

/** A checkout in miniature: the script, one source, and the outputs a finished build leaves. */
function miniature(): string {
  const root = mkdtempSync(join(tmpdir(), 'routellm-build-stamp-'));
  for (const [path, text] of Object.entries({ 'src/index.ts': 'export const a = 1;\n', 'package.json': '{}\n', 'dist/src/index.js': '', 'dist/src/cli/main.js': '', 'dist/index.d.ts': '' })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, 'scripts'));
  copyFileSync(SCRIPT, join(root, 'scripts', 'build-stamp.mjs'));
  return root;
}

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('prepare skips a build when dist/ is current (npx routellm in the checkout runs prepare)', () => {
  it('npm test built dist/ and stamped it: prepare leaves it alone, not a byte rewritten', () => {
    const before = statSync(join(ROOT, 'dist/src/index.js')).mtimeMs;
    expect(run(ROOT, process.execPath, [SCRIPT, 'check']).status).toBe(0);
    const prepare = run(ROOT, 'npm', ['run', 'prepare']);
    expect(prepare.status, prepare.stderr).toBe(0);
    expect(statSync(join(ROOT, 'dist/src/index.js')).mtimeMs).toBe(before);
  });

  it('says stale when a source changes, a build output is missing, or there is no stamp', () => {
    const root = miniature();
    made.push(root);
    const check = () => run(root, process.execPath, ['scripts/build-stamp.mjs', 'check']).status;
    expect(check()).toBe(1);
    expect(run(root, process.execPath, ['scripts/build-stamp.mjs', 'write']).status).toBe(0);
    expect(check()).toBe(0);
    writeFileSync(join(root, 'src/index.ts'), 'export const a = 2;\n');
    expect(check()).toBe(1);
    expect(run(root, process.execPath, ['scripts/build-stamp.mjs', 'write']).status).toBe(0);
    rmSync(join(root, 'dist/index.d.ts'));
    expect(check()).toBe(1);
  });

  it('refuses an unknown command in one line, exit 2', () => {
    const result = run(ROOT, process.execPath, [SCRIPT, 'bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
