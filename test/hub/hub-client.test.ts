import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HubAccess } from '../../src/core/index.js';
import { HubError } from '../../src/hub/hub-error.js';
import { nodeHubAccess } from '../../src/hub/node-hub-access.js';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';

const WEIGHTS = new Uint8Array(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 251));
const CONFIG = JSON.stringify({ dim: 2, num_models: 64 });
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const gitSha1 = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

let hub: FakeHub;
let home: string;
let cache: string;

beforeAll(async () => {
  hub = await startFakeHub([
    { type: 'model', id: 'routellm/mf_test', revisions: { main: { files: { 'model.safetensors': WEIGHTS, 'config.json': CONFIG } } } },
    { type: 'model', id: 'acme/private', token: 'hf_good', revisions: { main: { files: { 'config.json': CONFIG } } } },
    { type: 'model', id: 'acme/gated', token: 'hf_good', gated: true, revisions: { main: { files: { 'config.json': CONFIG } } } },
  ]);
});
afterAll(() => hub.close());

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'hub-client-'));
  cache = join(home, 'hub-cache');
  hub.requests.length = 0;
  Object.assign(hub.faults, { truncateAt: undefined, corrupt: undefined, noRange: undefined });
});
afterEach(() => rm(home, { recursive: true, force: true }));

function access(env: Record<string, string> = {}, stderr?: { write(text: string): unknown; isTTY?: boolean }): HubAccess {
  return nodeHubAccess({ env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cache, ...env }, cwd: home, fetch: globalThis.fetch, home, ...(stderr ? { stderr } : {}) });
}

const files = (h: HubAccess, repo = 'routellm/mf_test', names = ['model.safetensors', 'config.json']) => h.modelFiles(repo, names, { purpose: 'mf.checkpoint_path' });

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  expect((error as Error).message).not.toContain('\n');
  return error as HubError;
}

describe('hub downloads into the huggingface_hub cache layout', () => {
  it('stores blobs by ETag, links snapshots/<commit>/ to them and records refs/main', async () => {
    const found = await files(access());
    const commit = hub.commitOf('model', 'routellm/mf_test');
    const repoDir = join(cache, 'models--routellm--mf_test');
    expect(found['model.safetensors']).toBe(join(repoDir, 'snapshots', commit, 'model.safetensors'));
    expect(new Uint8Array(await readFile(found['model.safetensors']!))).toEqual(WEIGHTS);
    expect(await readFile(found['config.json']!, 'utf8')).toBe(CONFIG);
    // LFS files are named by sha256, git files by their git blob sha1: exactly the Python's names.
    expect((await readdir(join(repoDir, 'blobs'))).sort()).toEqual([sha256(WEIGHTS), gitSha1(CONFIG)].sort());
    expect(await readlink(found['model.safetensors']!)).toBe(join('..', '..', 'blobs', sha256(WEIGHTS)));
    expect((await lstat(found['config.json']!)).isSymbolicLink()).toBe(true);
    expect((await readFile(join(repoDir, 'refs', 'main'), 'utf8')).trim()).toBe(commit);
  });

  it('downloads once: a second run only asks for the metadata, an offline run asks nothing', async () => {
    await files(access());
    const cdn = () => hub.requests.filter((r) => r.path.startsWith('/cdn/')).length;
    expect(cdn()).toBe(1);
    await files(access());
    expect(cdn()).toBe(1);
    hub.requests.length = 0;
    const offline = await files(access({ HF_HUB_OFFLINE: '1' }));
    expect(hub.requests).toEqual([]);
    expect(await readFile(offline['config.json']!, 'utf8')).toBe(CONFIG);
  });

  it('reuses a cache the Python filled (built here by hand), offline and online', async () => {
    const commit = 'a'.repeat(40);
    const repoDir = join(cache, 'models--routellm--mf_test');
    await mkdir(join(repoDir, 'blobs'), { recursive: true });
    await mkdir(join(repoDir, 'snapshots', commit), { recursive: true });
    await mkdir(join(repoDir, 'refs'), { recursive: true });
    await writeFile(join(repoDir, 'blobs', sha256(WEIGHTS)), WEIGHTS);
    await writeFile(join(repoDir, 'blobs', gitSha1(CONFIG)), CONFIG);
    await symlink(`../../blobs/${sha256(WEIGHTS)}`, join(repoDir, 'snapshots', commit, 'model.safetensors'));
    await symlink(`../../blobs/${gitSha1(CONFIG)}`, join(repoDir, 'snapshots', commit, 'config.json'));
    await writeFile(join(repoDir, 'refs', 'main'), commit);

    const offline = await files(access({ HF_HUB_OFFLINE: 'true' }));
    expect(offline['model.safetensors']).toBe(join(repoDir, 'snapshots', commit, 'model.safetensors'));
    expect(hub.requests).toEqual([]);

    // Online, the hub's main is another commit with the same blobs: no byte is downloaded again.
    const online = await files(access());
    expect(online['model.safetensors']).toBe(join(repoDir, 'snapshots', hub.commitOf('model', 'routellm/mf_test'), 'model.safetensors'));
    expect(hub.requests.filter((r) => r.path.startsWith('/cdn/'))).toEqual([]);
  });

  it('two clients asking for one blob at once share one download', async () => {
    const [a, b] = await Promise.all([files(access()), files(access())]);
    expect(a['model.safetensors']).toBe(b['model.safetensors']);
    expect(sha256(await readFile(a['model.safetensors']!))).toBe(sha256(WEIGHTS));
    expect(hub.requests.filter((r) => r.path.startsWith('/cdn/'))).toHaveLength(1);
  });

  it('shows progress on a terminal, and one line elsewhere', async () => {
    let tty = '';
    await files(access({}, { isTTY: true, write: (text: string) => (tty += text) }));
    expect(tty).toContain('\r');
    expect(tty).toMatch(/downloading routellm\/mf_test\/model\.safetensors 50\.0 kB\/50\.0 kB 100%/);
    await rm(cache, { recursive: true, force: true });
    let plain = '';
    await files(access({}, { isTTY: false, write: (text: string) => (plain += text) }));
    expect(plain.trim().split('\n')).toHaveLength(2);
    expect(plain).toContain(`routellm: downloading routellm/mf_test/model.safetensors (50.0 kB) into ${join(cache, 'models--routellm--mf_test')}`);
    expect(plain).not.toContain('\r');
  });

  it('a file the repo lacks is undefined when optional, remembered in .no_exist for offline runs', async () => {
    const h = access();
    const found = await h.modelFiles('routellm/mf_test', ['config.json', 'tokenizer.json'], { optional: ['tokenizer.json'], purpose: 'x' });
    expect(found['tokenizer.json']).toBeUndefined();
    const marker = join(cache, 'models--routellm--mf_test', '.no_exist', hub.commitOf('model', 'routellm/mf_test'), 'tokenizer.json');
    expect((await stat(marker)).isFile()).toBe(true);
    const offline = await access({ HF_HUB_OFFLINE: '1' }).modelFiles('routellm/mf_test', ['config.json', 'tokenizer.json'], { optional: ['tokenizer.json'], purpose: 'x' });
    expect(offline['tokenizer.json']).toBeUndefined();
  });
});

describe('hub failures are one line each', () => {
  it('offline without a cache says what to download and where to put it', async () => {
    const error = await failure(files(access({ HF_HUB_OFFLINE: '1' })));
    expect(error.message).toContain('mf.checkpoint_path: routellm/mf_test is not in the hub cache and HF_HUB_OFFLINE is set');
    expect(error.message).toContain(`download ${hub.endpoint}/routellm/mf_test/resolve/main/model.safetensors into ${cache}`);
    expect(error.message).toContain('huggingface-cli download routellm/mf_test');
    expect(hub.requests).toEqual([]);
  });

  it('an unreachable hub falls back to the cache, and without one says so', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = { HF_ENDPOINT: `http://127.0.0.1:${closed}` };
    const error = await failure(files(access(unreachable)));
    expect(error.message).toContain(`cannot reach the hub at http://127.0.0.1:${closed} (ECONNREFUSED)`);
    await files(access());
    const found = await files(access(unreachable));
    expect(await readFile(found['config.json']!, 'utf8')).toBe(CONFIG);
  });

  it('404: a repo the hub does not have, and a file a repo does not have', async () => {
    expect((await failure(files(access({ HF_TOKEN: 'hf_any' }), 'routellm/nope'))).message).toMatch(/the hub has no model repo routellm\/nope \(404 from .*\); check the id$/);
    expect((await failure(files(access(), 'routellm/mf_test', ['weights.bin']))).message).toMatch(/routellm\/mf_test has no file weights\.bin at revision main \(404 from /);
  });

  it('401: a private repo without a token asks for HF_TOKEN; the token (env or file) opens it and never goes to the CDN', async () => {
    const error = await failure(files(access(), 'acme/private', ['config.json']));
    expect(error.message).toBe('mf.checkpoint_path: the hub answered 401 for acme/private: it is private or gated, or does not exist; set HF_TOKEN to a token that can read it');
    expect((await failure(files(access({ HF_TOKEN: 'hf_bad' }), 'acme/private', ['config.json']))).message).toContain('refused the token in HF_TOKEN');
    expect((await failure(files(access(), 'acme/gated', ['config.json']))).message).toContain(`acme/gated is gated (401): accept its terms at ${hub.endpoint}/acme/gated and set HF_TOKEN`);
    await files(access({ HF_TOKEN: 'hf_good' }), 'acme/private', ['config.json']);
    await rm(cache, { recursive: true, force: true });
    await mkdir(join(home, 'hf'), { recursive: true });
    await writeFile(join(home, 'hf', 'token'), 'hf_good\n');
    await files(access({ HF_HOME: join(home, 'hf') }), 'acme/private', ['config.json']);
    await files(access({ HF_TOKEN: 'hf_good' }));
    for (const request of hub.requests) {
      if (request.path.startsWith('/cdn/')) expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('a truncated download fails, keeps its .incomplete, and the next run resumes it with Range', async () => {
    hub.faults.truncateAt = 20_000;
    const error = await failure(files(access()));
    expect(error.message).toMatch(/the download of routellm\/mf_test\/model\.safetensors stopped at 20\.0 kB of 50\.0 kB \(.+\); run again to resume from .*\.incomplete$/);
    const incomplete = join(cache, 'models--routellm--mf_test', 'blobs', `${sha256(WEIGHTS)}.incomplete`);
    expect((await stat(incomplete)).size).toBe(20_000);
    const found = await files(access());
    expect(hub.requests.filter((r) => r.path.startsWith('/cdn/')).at(-1)!.headers.range).toBe('bytes=20000-');
    expect(sha256(await readFile(found['model.safetensors']!))).toBe(sha256(WEIGHTS));
  });

  it('a server that ignores Range gets the whole file again', async () => {
    hub.faults.truncateAt = 10_000;
    await failure(files(access()));
    hub.faults.noRange = true;
    const found = await files(access());
    expect(sha256(await readFile(found['model.safetensors']!))).toBe(sha256(WEIGHTS));
  });

  it('bytes that do not match the ETag are refused and removed', async () => {
    hub.faults.corrupt = true;
    const error = await failure(files(access()));
    expect(error.message).toMatch(/model\.safetensors downloaded with sha256 [0-9a-f]{12}\.\.\. but the hub's ETag is [0-9a-f]{12}\.\.\.; the download was removed: run again$/);
    expect(await readdir(join(cache, 'models--routellm--mf_test', 'blobs'))).toEqual([]);
  });
});
