// Whether dist/ was built from the sources as they are now, so that `prepare` can skip a rebuild.
//
// Why: npm 11's `npx routellm`, run inside this checkout, installs the checkout itself into npx's cache
// (libnpmexec: "self-execution of a local bin"), and installing a directory runs its `prepare` script.
// An unconditional `npm run build` there deletes and rewrites dist/ while anything else is using it
// (the README test runs `npx routellm` in the middle of the suite; a user's server may be running from
// dist/). A stamp of what dist/ was built from lets `prepare` leave a current dist/ alone.
//
//   node scripts/build-stamp.mjs write   after a build: records the inputs' hash in dist/.build-stamp
//   node scripts/build-stamp.mjs check   exits 0 when dist/ holds a build of the current inputs, else 1
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
/** What `npm run build` reads: tsconfig.build.json's sources (bench imports test/helpers), its configs and the toolchain's versions. */
const INPUTS = ['src', 'bench', 'test/helpers', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'rollup.types.config.mjs'];
/** Everything a build emits: if any is missing, the build did not finish (or something removed part of it). */
const OUTPUTS = ['dist/src/index.js', 'dist/src/cli/main.js', 'dist/index.d.ts'];

/** The input's files, relative to the root: a directory's, recursively, or the file itself; none if absent. */
function files(input) {
  const full = join(ROOT, input);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [input];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath ?? entry.path, entry.name)));
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const path of INPUTS.flatMap(files).sort()) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(ROOT, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const command = process.argv[2];
if (command === 'write') {
  const temporary = `${STAMP}.${process.pid}`;
  writeFileSync(temporary, `${inputsHash()}\n`);
  renameSync(temporary, STAMP);
} else if (command === 'check') {
  const current = existsSync(STAMP) && OUTPUTS.every((output) => existsSync(join(ROOT, output))) && readFileSync(STAMP, 'utf8').trim() === inputsHash();
  process.exit(current ? 0 : 1);
} else {
  console.error('usage: node scripts/build-stamp.mjs write|check');
  process.exit(2);
}
