import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The public API, as src/index.ts lists it: what the package's one .d.ts must export, and nothing more. */
const VALUES = [
  'ChatCompletions', 'ConfigError', 'Controller', 'ControllerClosedError', 'InternalError', 'RoutedPromise', 'RoutellmError', 'RouterError', 'RoutingError',
  'UpstreamError', 'UpstreamTimeoutError', 'UsageError', 'builtinRouters', 'createRandomRouter', 'createRouter', 'formatModelName',
  'loadConfig', 'parseModelName', 'routerMetrics',
];
/** The `openai` error classes routellm throws, re-exported from its own copy of `openai` (instanceof in a project on another major). */
const OPENAI_ERRORS = [
  'APIConnectionError', 'APIConnectionTimeoutError', 'APIError', 'APIUserAbortError', 'AuthenticationError', 'BadRequestError', 'ConflictError',
  'InternalServerError', 'NotFoundError', 'OpenAIError', 'PermissionDeniedError', 'RateLimitError', 'UnprocessableEntityError',
];
const TYPES = [
  'ChatRequestOptions', 'ControllerEnvironment', 'ControllerOptions', 'ControllerSettings', 'ControllerStats', 'CurveMetrics', 'CurvePoint',
  'Decision', 'Logger', 'LogLevel', 'ModelEntry', 'ModelList', 'ModelListEntry', 'ModelQualities', 'ParsedModelName', 'ProviderSettings', 'ReloadResult', 'RoutedResponse', 'RoutellmConfig', 'Router', 'RouterContext', 'RouterFactory',
  'RouterMetrics', 'RouterOptions', 'ThresholdSpec', 'TokenPrice',
];

describe('the package as a library (built by npm test)', () => {
  const dts = readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8');

  it('declares the public API in one .d.ts, exporting exactly it', () => {
    const exported = [...dts.matchAll(/^export (type )?\{([^}]*)\}(?: from 'openai')?;$/gm)].flatMap((match) => match[2]!.split(',').map((name) => name.trim()).filter(Boolean));
    expect(exported.sort()).toEqual([...VALUES, ...OPENAI_ERRORS, ...TYPES].sort());
  });

  it('names no internal part: the pipeline, the Decider, the upstream client and their kin stay inside', () => {
    for (const internal of ['ChatPipeline', 'Decider', 'RequestRecord', 'Upstreams', 'UpstreamLease', 'SseRelay', 'ShareCalibrator', 'GatewayMetrics', 'ControllerParts', 'RequestLog']) {
      expect(dts, internal).not.toMatch(new RegExp(`\\b${internal}\\b`));
    }
    // Imports only what a user's project has: the openai package's own types.
    const imports = [...dts.matchAll(/^(?:import|export) .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(imports.every((from) => from === 'openai' || from?.startsWith('openai/'))).toBe(true);
  });

  it("resolves `import('routellm')` through package.json exports to the public values", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    // `default`, not `import`: require('routellm') loads the same ES module (Node >= 20.19; packed-install.test.ts).
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/src/index.js' });
    expect(manifest.types).toBe('./dist/index.d.ts');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('routellm'); console.log(JSON.stringify(Object.keys(m).sort()))"], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([...VALUES, ...OPENAI_ERRORS].sort());
  });
});
