import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every TypeScript source under `dir`, with its text stripped of comments (a name in a comment is no use). */
function sources(dir: string): Array<{ path: string; code: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    if (!/\.tsx?$/.test(entry.name)) return [];
    const code = readFileSync(path, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
    return [{ path, code }];
  });
}

/** Exported code (functions, classes, arrow functions), not types or plain values: `file: name`. */
function exportedCode(code: string): string[] {
  const declarations = /^export\s+(?:async\s+)?(?:abstract\s+)?(?:function\*?|class)\s+([A-Za-z_$][\w$]*)/gm;
  const arrows = /^export\s+const\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>/gm;
  return [...code.matchAll(declarations), ...code.matchAll(arrows)].map((match) => match[1] as string);
}

/**
 * "No code path that only tests reach" (issue 14: the bare chat path ran only in tests and the
 * bench). Each function, class or arrow function exported under src/ is used by src itself: named
 * in another source file (an import, a re-export from the package entry, a lazily imported module's
 * member) or called in its own file, or by a package.json script. One only a test or a bench calls is either dead or a second
 * path; the test should go through the one the program runs.
 */
it('every exported function and class under src is used by src, not by tests alone', () => {
  const files = sources(SRC);
  expect(files.length).toBeGreaterThan(100);
  // package.json's scripts call a few modules' exports straight (npm run use-static:table).
  const scripts = Object.values((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts).join('\n');
  const unreached: string[] = [];
  for (const file of files) {
    for (const name of exportedCode(file.code)) {
      const pattern = `(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`;
      const named = new RegExp(pattern);
      const inOwnFile = (file.code.match(new RegExp(pattern, 'g')) ?? []).length > 1;
      if (inOwnFile || named.test(scripts) || files.some((other) => other !== file && named.test(other.code))) continue;
      unreached.push(`${relative(SRC, file.path)}: ${name}`);
    }
  }
  expect(unreached).toEqual([]);
});

it('sees the exports it checks (sanity: a known export is found, and found used)', () => {
  const decider = sources(join(SRC, 'core')).find((file) => file.path.endsWith('decider.ts'));
  expect(exportedCode(decider?.code ?? '')).toContain('Decider');
  expect(exportedCode('export const f = (a: number): number => a;\nexport const g = async (x) => x;\nexport const n = 3;')).toEqual(['f', 'g']);
});
