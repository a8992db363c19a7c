import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One revision of a fake repo: its commit and its files. */
export interface FakeRevision {
  readonly files: Readonly<Record<string, Uint8Array | string>>;
  /** Default: a hash of the repo id and revision name. */
  readonly commit?: string;
}

/** A repo the fake hub serves. Files ending in .safetensors or .parquet are served as LFS files (redirect to the CDN). */
export interface FakeRepo {
  readonly type: 'model' | 'dataset';
  readonly id: string;
  /** Revision name (main, refs/convert/parquet) -> its files. */
  readonly revisions: Readonly<Record<string, FakeRevision>>;
  /** Only this bearer token may read it: others get 401 (RepoNotFound, as the hub hides private repos). */
  readonly token?: string;
  /** Gated: without the token, 401 GatedRepo. */
  readonly gated?: boolean;
}

/** Faults the CDN injects into file downloads. */
export interface FakeHubFaults {
  /** Send the full Content-Length, then cut the connection after this many bytes (once per setting). */
  truncateAt?: number | undefined;
  /** Flip one byte of what is sent. */
  corrupt?: boolean | undefined;
  /** Ignore Range headers (answer 200 with the whole file). */
  noRange?: boolean | undefined;
}

export interface FakeHubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FakeHub {
  /** For HF_ENDPOINT. */
  readonly endpoint: string;
  readonly requests: FakeHubRequest[];
  readonly faults: FakeHubFaults;
  add(repo: FakeRepo): void;
  /** The commit a revision of a repo is served at. */
  commitOf(type: 'model' | 'dataset', id: string, revision?: string): string;
  close(): Promise<void>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const gitSha1 = (bytes: Uint8Array) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
const asBytes = (value: Uint8Array | string) => (typeof value === 'string' ? new TextEncoder().encode(value) : value);
const isLfs = (file: string) => /\.(safetensors|parquet)$/.test(file);

/**
 * A real HTTP server on 127.0.0.1 that answers like the Hugging Face hub, for the routes the
 * Python `huggingface_hub` and routellm use: `HEAD/GET [datasets/]<owner>/<name>/resolve/<rev>/<file>`
 * (LFS files redirect to a CDN route with X-Linked-Etag/X-Linked-Size, git files answer with
 * their git sha1 ETag; X-Repo-Commit on both; X-Error-Code on errors), the CDN with Range, and
 * `GET /api/{models,datasets}/<owner>/<name>/revision/<rev>` (`sha`, `siblings`).
 */
export async function startFakeHub(initial: readonly FakeRepo[] = []): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const blobs = new Map<string, Uint8Array>();
  const requests: FakeHubRequest[] = [];
  const faults: FakeHubFaults = {};
  const key = (type: string, id: string) => `${type}:${id}`;
  const commitOf = (type: string, id: string, revision = 'main') => {
    const repo = repos.get(key(type, id));
    return repo?.revisions[revision]?.commit ?? createHash('sha1').update(`${type}:${id}@${revision}`).digest('hex');
  };
  const add = (repo: FakeRepo) => {
    repos.set(key(repo.type, repo.id), repo);
    for (const revision of Object.values(repo.revisions)) for (const value of Object.values(revision.files)) blobs.set(sha256(asBytes(value)), asBytes(value));
  };
  initial.forEach(add);

  // The CDN is another origin, as on the real hub (the token must not follow a redirect there).
  const cdn = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname, headers: request.headers });
    serveBlob(request.headers, method, url.pathname.startsWith('/cdn/') ? blobs.get(url.pathname.slice(5)) : undefined, faults, response);
  });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname, headers: request.headers });
    const error = (status: number, code: string | undefined, extra: Record<string, string> = {}) => {
      const body = JSON.stringify({ error: code ?? `HTTP ${status}` });
      response.writeHead(status, { 'content-type': 'application/json', ...(code ? { 'x-error-code': code } : {}), ...extra });
      response.end(method === 'HEAD' ? undefined : body);
    };

    const api = /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/(datasets\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!api && !resolve) return error(404, undefined);
    const type = api ? (api[1] === 'datasets' ? 'dataset' : 'model') : resolve![1] ? 'dataset' : 'model';
    const id = decodeURIComponent(api ? api[2]! : resolve![2]!);
    const revision = decodeURIComponent(api ? api[3]! : resolve![3]!);
    const repo = repos.get(key(type, id));
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!repo) return bearer ? error(404, 'RepoNotFound') : error(401, 'RepoNotFound');
    if (repo.token !== undefined && bearer !== repo.token) return repo.gated ? error(bearer ? 403 : 401, 'GatedRepo') : error(401, 'RepoNotFound');
    const found = repo.revisions[revision] ?? Object.entries(repo.revisions).find(([name]) => commitOf(type, id, name) === revision)?.[1];
    if (!found) return error(404, 'RevisionNotFound');
    const commit = found.commit ?? commitOf(type, id, Object.entries(repo.revisions).find(([, r]) => r === found)![0]);

    if (api) {
      const body = JSON.stringify({ id, sha: commit, siblings: Object.keys(found.files).map((rfilename) => ({ rfilename })) });
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(body);
    }
    const file = decodeURIComponent(resolve![4]!);
    const value = found.files[file];
    if (value === undefined) return error(404, 'EntryNotFound', { 'x-repo-commit': commit });
    const bytes = asBytes(value);
    if (isLfs(file)) {
      const hash = sha256(bytes);
      response.writeHead(302, {
        location: `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/cdn/${hash}`,
        'x-linked-etag': `"${hash}"`,
        'x-linked-size': String(bytes.length),
        'x-repo-commit': commit,
        etag: '"not-the-file-hash"',
      });
      return response.end();
    }
    response.writeHead(200, { etag: `W/"${gitSha1(bytes)}"`, 'x-repo-commit': commit, 'content-length': String(bytes.length) });
    response.end(method === 'HEAD' ? undefined : Buffer.from(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    faults,
    add,
    commitOf,
    async close() {
      for (const each of [server, cdn]) {
        each.closeAllConnections();
        await new Promise<void>((resolve) => each.close(() => resolve()));
      }
    },
  };
}

function serveBlob(headers: IncomingHttpHeaders, method: string, blob: Uint8Array | undefined, faults: FakeHubFaults, response: ServerResponse): void {
  if (!blob) {
    response.writeHead(404);
    response.end();
    return;
  }
  let bytes = Buffer.from(blob);
  if (faults.corrupt) {
    bytes = Buffer.from(bytes);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  }
  const range = faults.noRange ? null : /^bytes=(\d+)-$/.exec(headers.range ?? '');
  let status = 200;
  const out: Record<string, string> = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
  if (range) {
    const start = Number(range[1]);
    if (start >= bytes.length) {
      response.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
      response.end();
      return;
    }
    out['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    bytes = bytes.subarray(start);
    status = 206;
  }
  out['content-length'] = String(bytes.length);
  response.writeHead(status, out);
  if (method === 'HEAD') {
    response.end();
    return;
  }
  const cut = faults.truncateAt;
  if (cut !== undefined && cut < bytes.length) {
    faults.truncateAt = undefined;
    response.write(bytes.subarray(0, cut), () => setTimeout(() => response.socket?.destroy(), 20));
    return;
  }
  response.end(bytes);
}
