import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Semi-space size `routellm serve` lets V8's young generation grow to, in MiB (V8's own cap is 16). */
export const SERVE_MAX_SEMI_SPACE_MB = 2;

/**
 * Caps V8's young generation at `maxSemiSpaceMb` per semi-space from inside a running process.
 * `--max-semi-space-size` only counts when the heap is created, which would mean re-executing
 * the CLI (a second Node process: more memory than it saves); but the growth factor is read
 * each time V8 grows the young generation, so after each GC the factor is set to 1 (no growth)
 * once the cap is reached and back to V8's default 2 below it. Measured on `serve` under
 * saturation (BENCHMARKS.md, proxy-overhead): peak RSS falls by about 20-30 MB with no loss of
 * throughput at 2-4 MiB; 1 MiB (the starting size) costs about a fifth more CPU per request.
 * Between two GCs it cannot step in, so a synchronous burst allocating more than the young
 * generation holds could still grow it; a server's work comes in short turns of the event loop.
 * Returns a function that stops watching and lets V8 grow the young generation again.
 */
export function capYoungGeneration(maxSemiSpaceMb: number = SERVE_MAX_SEMI_SPACE_MB): () => void {
  // new_space counts both semi-spaces.
  const limit = 2 * maxSemiSpaceMb * 1024 * 1024;
  let frozen: boolean | undefined;
  const adjust = () => {
    const space = v8.getHeapSpaceStatistics().find((entry) => entry.space_name === 'new_space');
    if (!space) return;
    const atCap = space.space_size >= limit;
    if (atCap === frozen) return;
    frozen = atCap;
    v8.setFlagsFromString(atCap ? '--semi-space-growth-factor=1' : '--semi-space-growth-factor=2');
  };
  adjust();
  const observer = new PerformanceObserver(adjust);
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    v8.setFlagsFromString('--semi-space-growth-factor=2');
  };
}
