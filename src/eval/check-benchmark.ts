import { UsageError } from '../core/index.js';
import type { BenchmarkData } from './benchmarks/benchmark-data.js';
import { modelScore } from './metrics/paired-scores.js';

/**
 * Fewest prompts `eval` accepts, and calibrate cuts a share on. Below ten the default ten quantile bins
 * cannot each hold a prompt, and APGR is noise: one random draw's sd is already 0.12 on 21 prompts (GSM8K sample).
 */
export const MIN_EVAL_PROMPTS = 10;

/**
 * Refuses what would make APGR undefined before any router runs: too few prompts, more
 * thresholds than prompts, two models with the same mean (APGR divides by their gap).
 * Returns warnings for figures that are defined but probably not what was meant.
 */
export function checkEvaluable(benchmark: BenchmarkData, numResults: number): string[] {
  const n = benchmark.prompts.length;
  if (n < MIN_EVAL_PROMPTS) {
    throw new UsageError(
      `${benchmark.title} has ${n} prompt${n === 1 ? '' : 's'}; eval needs at least ${MIN_EVAL_PROMPTS} (fewer cannot fill its quantile bins, and APGR on them is noise)`,
    );
  }
  if (numResults > n) {
    // Thresholds are the qcut edges of the prompts' win rates: past one bin per prompt, no new point.
    throw new UsageError(
      `--num-results ${numResults} is more than the ${n} prompts of ${benchmark.title}: thresholds are quantile edges of the prompts' win rates, so use at most ${n}`,
    );
  }
  const strong = modelScore(benchmark.scores, 'strong');
  const weak = modelScore(benchmark.scores, 'weak');
  if (!(Math.abs(strong - weak) > 1e-12 * Math.max(1, Math.abs(strong)))) {
    throw new UsageError(
      `${benchmark.strongModel} and ${benchmark.weakModel} have the same mean score on ${benchmark.title} (${strong}): APGR is the share of the gap between them a router recovers, and there is no gap; choose two models that differ`,
    );
  }
  if (weak > strong) {
    const score = (value: number) => (benchmark.scores.scale === 100 ? `${value.toFixed(2)}%` : value.toFixed(3));
    return [
      `the weak model ${benchmark.weakModel} scores higher than the strong model ${benchmark.strongModel} on ${benchmark.title} (${score(weak)} vs ${score(strong)}): APGR then measures recovery toward the worse model; did you mean to swap --strong-model and --weak-model?`,
    ];
  }
  return [];
}
