import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const DTS = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'routellm-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** tsc's complaints about a snippet written against the package's one .d.ts (built by npm test), strict, as a user's project compiles it. */
function diagnostics(source: string): string[] {
  const file = join(dir, `snippet-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, source.replaceAll("'routellm'", JSON.stringify(DTS)));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    exactOptionalPropertyTypes: true,
    types: [],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the .d.ts, as a strict TypeScript project uses it', () => {
  it('takes a models: list entry with only the fields the docs require (tags, provider, scoredAs are optional)', () => {
    const source = `
      import type { ControllerOptions, ModelListEntry } from 'routellm';
      const small: ModelListEntry = { name: 'small', baseUrl: 'http://127.0.0.1:1/v1', scoredAs: 'mistralai/mistral-7b-chat', price: { input: 0.05, output: 0.08 } };
      const options: ControllerOptions = { models: [small, { name: 'mid', provider: 'groq', apiKeyEnv: 'GROQ_API_KEY', price: { input: 0.5, output: 1 } }, 'gpt-4o'] };
      export { options };
    `;
    expect(diagnostics(source)).toEqual([]);
  });

  it('still refuses an entry without its name (the check can fail)', () => {
    const source = `
      import type { ModelListEntry } from 'routellm';
      export const entry: ModelListEntry = { baseUrl: 'http://127.0.0.1:1/v1', price: { input: 1, output: 2 } };
    `;
    expect(diagnostics(source).join('\n')).toMatch(/\bname\b/);
  });
});
