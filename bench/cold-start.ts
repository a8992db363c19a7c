import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/runtime/package-paths.js';
import { median } from './bench-helpers.js';
import { writeBenchSection } from './benchmarks-md.js';

const RUNS = 15;
const TARGET_MS = 300;

/** Wall time of `node <args>` in milliseconds, checking it succeeded. */
function timeNode(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * Cold start of `routellm route --router random "hi"`: a fresh process each time, against
 * `node -e 0` (Node's own start-up) in the same run. Target: <= 300 ms.
 */
export async function runColdStartBench(): Promise<void> {
  const bin = join(packageRoot(), 'bin', 'routellm.js');
  const route = [bin, 'route', '--router', 'random', 'hi'];
  timeNode(route); // warm the file cache
  const node: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    node.push(timeNode(['-e', '0']));
    cli.push(timeNode(route));
  }
  const routeMedian = median(cli);
  const nodeMedian = median(node);
  const max = Math.max(...cli);
  const markdown = `## Cold start: \`routellm route --router random "hi"\`

${RUNS} fresh processes each, alternating, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${'`bench/cold-start.ts`'}.

| command | median | max |
| --- | ---: | ---: |
| \`node -e 0\` (Node itself) | ${nodeMedian.toFixed(0)} ms | ${Math.max(...node).toFixed(0)} ms |
| \`routellm route --router random "hi"\` | ${routeMedian.toFixed(0)} ms | ${max.toFixed(0)} ms |

Target <= ${TARGET_MS} ms: ${routeMedian <= TARGET_MS ? 'met' : 'NOT met'} (median; ${(routeMedian - nodeMedian).toFixed(0)} ms above Node's own start-up).`;
  await writeBenchSection('cold-start', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runColdStartBench().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
