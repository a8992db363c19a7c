import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `npm pack` in a checkout reads: what it ships, and what prepack's build-stamp check hashes (so it does not rebuild). */
const CHECKOUT = ['src', 'bench', 'test/helpers', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'rollup.types.config.mjs', 'scripts', 'bin', 'dist', 'datasets', 'docs', 'BENCHMARKS.md', 'LICENSE', 'README.md'];

/** npm as a user runs it: none of the npm_* variables `npm test` hands its children, warnings shown. */
function npm(cwd: string, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...env, npm_config_loglevel: 'warn', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });
}

function node(cwd: string, args: string[]) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
}

/** Whether this Node can require() an ES module graph (20.19+, 22.12+; the engines floor, 20.18.1, cannot). */
const REQUIRE_ESM = (process.features as { require_module?: boolean }).require_module === true;

const made: string[] = [];
function temporary(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
// The copies hold the shipped weights: removing them takes a while on a loaded machine.
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })), 120_000);

// A copy of the checkout is packed, not the checkout: prepack rewrites package.json for the length of
// the pack, and the other tests (npx routellm runs prepare) read it meanwhile.
let checkout: string;
let manifestBefore: string;
let tarball: string;
let app: string;
let install: ReturnType<typeof npm>;
beforeAll(() => {
  checkout = temporary('routellm-checkout-');
  for (const path of CHECKOUT) cpSync(join(ROOT, path), join(checkout, path), { recursive: true });
  manifestBefore = readFileSync(join(checkout, 'package.json'), 'utf8');
  const out = temporary('routellm-tarball-');
  const pack = npm(checkout, ['pack', '--json', '--pack-destination', out]);
  expect(pack.status, pack.stderr).toBe(0);
  tarball = join(out, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
  // A CommonJS project, as `npm init -y` makes one.
  app = temporary('routellm-app-');
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'commonjs' })}\n`);
  install = npm(app, ['install', tarball, '--prefer-offline']);
  expect(install.status, install.stderr).toBe(0);
}, 180_000);

describe('the packed package, installed', () => {
  it('carries no lifecycle script of the checkout (prepare runs scripts/, not shipped): npm installs it without an install-scripts warning', () => {
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/routellm/package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(Object.keys(installed.scripts ?? {}).filter((name) => ['prepare', 'prepack', 'postpack', 'preinstall', 'install', 'postinstall'].includes(name))).toEqual([]);
    expect(install.stderr).not.toContain('install-scripts');
    expect(install.stderr).not.toContain('routellm');
  });

  it("pack leaves the checkout's package.json as it was, byte for byte, with prepare in it", () => {
    expect(readFileSync(join(checkout, 'package.json'), 'utf8')).toBe(manifestBefore);
    expect(existsSync(join(checkout, '.package.json.packing'))).toBe(false);
    expect(JSON.parse(manifestBefore).scripts.prepare).toBe('node scripts/build-stamp.mjs check || npm run build');
  });

  it.runIf(REQUIRE_ESM)('require() works from CommonJS (Node >= 20.19 / 22.12: no top-level await in the graph) and gives the same module as import', () => {
    const script = `
      const required = require('routellm');
      import('routellm').then(async (imported) => {
        const controller = await required.Controller.create({ strongModel: 'strong-m', weakModel: 'weak-m', baseURL: 'http://127.0.0.1:9/v1', env: {}, logger: { info() {}, warn() {} } });
        const model = await controller.route('Prove that there are infinitely many primes.', 'difficulty', 0.5);
        await controller.close();
        console.log(JSON.stringify({ same: required.Controller === imported.Controller && required.RoutingError === imported.RoutingError, model }));
      });`;
    const result = node(app, ['-e', script]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ same: true, model: 'strong-m' });
    // No "ExperimentalWarning: ... require() ... ES Module" or anything else on stderr.
    expect(result.stderr).toBe('');
  });

  it("raises errors that are instanceof the classes it exports, whichever copy of openai the project has", () => {
    // A project on openai 4 or 5 gets its own copy and routellm its nested openai 6: two classes named APIError.
    writeFileSync(
      join(app, 'errors.mjs'),
      `import OpenAI from 'openai';
      import { APIError, BadRequestError, Controller } from 'routellm';
      const controller = await Controller.create({ strongModel: 'strong-m', weakModel: 'weak-m', baseURL: 'http://127.0.0.1:9/v1', env: {}, logger: { info() {}, warn() {} } });
      const error = await controller.chat.completions.create({ model: 'router-nope-50%', messages: [{ role: 'user', content: 'hi' }] }).catch((caught) => caught);
      await controller.close();
      console.log(JSON.stringify({ routellm: error instanceof APIError && error instanceof BadRequestError, project: error instanceof OpenAI.APIError, status: error.status }));`,
    );
    const run = () => {
      const result = node(app, ['errors.mjs']);
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };
    // One copy of openai, as npm installs it for a project on openai 6 (or none): both hold.
    expect(run()).toEqual({ routellm: true, project: true, status: 400 });
    const nested = join(app, 'node_modules/routellm/node_modules/openai');
    cpSync(join(app, 'node_modules/openai'), nested, { recursive: true });
    try {
      // Two copies, as for a project on openai 4: the project's OpenAI.APIError is another class; routellm's exports still hold.
      expect(run()).toEqual({ routellm: true, project: false, status: 400 });
    } finally {
      rmSync(nested, { recursive: true, force: true });
    }
  }, 120_000);

  it('on a Node without require(esm) (20.18: the engines floor), require fails naming the fix, a dynamic import()', () => {
    const result = node(app, [...(REQUIRE_ESM ? ['--no-experimental-require-module'] : []), '-e', "require('routellm')"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERR_REQUIRE_ESM');
    expect(result.stderr).toContain('dynamic import()');
    expect(result.stderr).not.toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

describe('scripts/pack-manifest.mjs', () => {
  it('strip sets package.json aside and drops the lifecycle scripts; a pack that died before restore is undone by the next strip or restore', () => {
    const root = temporary('routellm-pack-manifest-');
    cpSync(join(ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
    const original = `${JSON.stringify({ name: 'x', scripts: { prepare: 'a', prepack: 'b', postpack: 'c', build: 'd' } }, null, 2)}\n`;
    writeFileSync(join(root, 'package.json'), original);
    const run = (command: string) => node(root, ['scripts/pack-manifest.mjs', command]).status;
    expect(run('strip')).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts).toEqual({ build: 'd' });
    expect(run('strip')).toBe(0); // the pack died; the next one strips the original again, not the stripped copy
    expect(readFileSync(join(root, '.package.json.packing'), 'utf8')).toBe(original);
    expect(run('restore')).toBe(0);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(original);
    expect(existsSync(join(root, '.package.json.packing'))).toBe(false);
    expect(run('restore')).toBe(0);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(original);
    expect(run('bogus')).toBe(2);
  });
});
