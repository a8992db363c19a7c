import { pathToFileURL } from 'node:url';

/**
 * Every bench, run one after another by `npm run bench` (each writes its own BENCHMARKS.md
 * section). Add a bench by adding a row. `node dist/bench/run-all.js NAME...` runs some.
 */
export const BENCHES: readonly { name: string; run: () => Promise<void> }[] = [
  { name: 'proxy-overhead', run: async () => (await import('./proxy-overhead.js')).runProxyOverheadBench() },
  { name: 'in-process', run: async () => (await import('./in-process.js')).runInProcessBench() },
  { name: 'http-client', run: async () => (await import('./http-client.js')).runHttpClientBench() },
  { name: 'library-choices', run: async () => (await import('./library-choices.js')).runLibraryChoicesBench() },
  { name: 'cold-start', run: async () => (await import('./cold-start.js')).runColdStartBench() },
  { name: 'eval-speed', run: async () => (await import('./eval-speed.js')).runEvalSpeedBench() },
  { name: 'router-speed', run: async () => (await import('./router-speed.js')).runRouterSpeedBench() },
  { name: 'share-overhead', run: async () => (await import('./share-overhead.js')).runShareOverheadBench() },
  { name: 'share-drift', run: async () => (await import('./share-drift.js')).runShareDriftBench() },
  { name: 'body-stall', run: async () => (await import('./body-stall.js')).runBodyStallBench() },
  { name: 'router-speed-sw', run: async () => (await import('./router-speed-sw.js')).runSwRankingSpeedBench() },
  { name: 'reload-under-load', run: async () => (await import('./reload-under-load.js')).runReloadUnderLoadBench() },
  { name: 'serve-workers', run: async () => (await import('./serve-workers.js')).runServeWorkersBench() },
  { name: 'router-speed-multi', run: async () => (await import('./router-speed-multi.js')).runMultiRouterSpeedBench() },
  { name: 'list-share-overhead', run: async () => (await import('./list-share-overhead.js')).runListShareOverheadBench() },
  { name: 'list-share-warm-start', run: async () => (await import('./list-share-warm-start.js')).runListShareWarmStartBench() },
];

/** Runs the named benches (all when none are named), in order. */
export async function runAll(names: readonly string[] = []): Promise<void> {
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; have ${BENCHES.map((b) => b.name).join(', ')}`);
  for (const bench of BENCHES) {
    if (names.length > 0 && !names.includes(bench.name)) continue;
    const started = Date.now();
    process.stderr.write(`bench ${bench.name}...\n`);
    await bench.run();
    process.stderr.write(`bench ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAll(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
