import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

/** README.md and docs/*.md, by name. */
function documents(): [string, string][] {
  const root = join(import.meta.dirname, '..', '..');
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
  return [['README.md', readFileSync(join(root, 'README.md'), 'utf8')], ...docs.map((name): [string, string] => [`docs/${name}`, readFileSync(join(root, 'docs', name), 'utf8')])];
}

// QA finding 8: the docs quoted numbers that the shipped build does not print.
describe('numbers the docs quote are the ones this build prints', () => {
  it('calibrate lines ("For 50.0% strong model calls for mf, threshold = ...")', async () => {
    const quoted = documents().flatMap(([file, text]) =>
      [...text.matchAll(/For (\d+\.\d)% strong model calls for ([a-z_]+), threshold = (\d\.\d+)/g)].map((match) => ({ file, line: match[0], pct: match[1] as string, router: match[2] as string })),
    );
    expect(quoted.length).toBeGreaterThan(0);
    for (const { file, line, pct, router } of quoted) {
      const result = await runCliInProcess(['calibrate', '--routers', router, '--strong-model-pct', `${pct}%`]);
      expect(result.code, result.stderr).toBe(0);
      expect(`${file}: ${result.stdout.trim()}`).toBe(`${file}: ${line}`);
    }
  });

  it("the share RouteLLM's published 0.11593 means with the shipped mf", async () => {
    const result = await runCliInProcess(['route', '--router', 'mf', '--threshold', '0.11593', 'hello there']);
    const printed = /about (\d+(?:\.\d)?)% of calls/.exec(result.stderr)?.[1];
    expect(printed).toBeDefined();
    const quoted = documents().flatMap(([file, text]) =>
      [...text.matchAll(/0\.11593[^]{0,200}?about (\d+(?:\.\d)?)%/g)].map((match) => `${file}: ${match[1]}`),
    );
    expect(quoted.length).toBeGreaterThan(0);
    for (const entry of quoted) expect(entry).toBe(`${entry.split(': ')[0]}: ${printed}`);
  });
});
