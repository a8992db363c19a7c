// The package.json that `npm pack` and `npm publish` put in the tarball, without the checkout's lifecycle scripts.
//
// Why: `prepare` (build-stamp.mjs check || npm run build) is for this checkout: `npm ci` builds dist/,
// and npx's install of the checkout leaves a current dist/ alone. The tarball ships neither scripts/
// nor the sources, so there it could only fail, and npm 11 lists it on every install of the tarball
// ("install-scripts ... not yet covered by allowScripts"). npm has no per-file rewrite on pack, so
// `prepack` sets package.json aside and writes it without `prepare` (nor prepack/postpack, which name
// scripts/ too; npm runs postpack from the manifest it read before prepack), and `postpack` puts it
// back, byte for byte (the same pattern as pinst's for postinstall).
//
//   node scripts/pack-manifest.mjs strip     prepack: package.json aside, then written without those scripts
//   node scripts/pack-manifest.mjs restore   postpack: the package.json set aside, back in place
//
// A pack that died between the two leaves the copy aside: the next strip or restore puts it back first.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = join(ROOT, 'package.json');
const ASIDE = join(ROOT, '.package.json.packing');
/** Lifecycle scripts of this checkout: they run scripts/, which the tarball does not ship. */
const CHECKOUT_ONLY = ['prepare', 'prepack', 'postpack'];

function restore() {
  if (existsSync(ASIDE)) renameSync(ASIDE, MANIFEST);
}

const command = process.argv[2];
if (command === 'strip') {
  restore();
  const text = readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text);
  const scripts = manifest.scripts ?? {};
  if (CHECKOUT_ONLY.some((name) => name in scripts)) {
    writeFileSync(ASIDE, text);
    for (const name of CHECKOUT_ONLY) delete scripts[name];
    writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  }
} else if (command === 'restore') {
  restore();
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
