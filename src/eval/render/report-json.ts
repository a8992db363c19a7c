import type { EvalReport } from '../evaluate-routers.js';

/**
 * The `--json` document of `routellm eval`:
 * `{"benchmark","n","strong":{"model","score"},"weak":{...},"routers":[{"name","apgr","auc",
 * "cpt20_pct","cpt50_pct","cpt80_pct","p_random","in_sample","points":[{"threshold","strong_pct","score"}]}],"chance":{"draws","mean","sd"}}`.
 * `p_random` and `chance` appear when the chance level was measured; `in_sample` (the number of
 * scored items the router was trained on) when there are any. Scores are in the
 * benchmark's units (percent correct for MMLU/GSM8K, judge score for MT-Bench). Every share of
 * strong-model calls is a percentage (0-100) in a field whose name ends in `_pct`, as in
 * `calibrate --json`'s `strong_model_pct`; APGR, AUC and p are fractions. Routers are sorted by APGR.
 */
export function reportJson(report: EvalReport) {
  return {
    benchmark: report.benchmark.name,
    n: report.benchmark.prompts.length,
    strong: { model: report.benchmark.strongModel, score: report.strongScore },
    weak: { model: report.benchmark.weakModel, score: report.weakScore },
    routers: report.routers.map((router) => ({
      name: router.name,
      apgr: router.metrics.apgr,
      auc: router.metrics.auc,
      cpt20_pct: router.metrics.cpt20,
      cpt50_pct: router.metrics.cpt50,
      cpt80_pct: router.metrics.cpt80,
      ...(router.pRandom === undefined ? {} : { p_random: router.pRandom }),
      // Items of the benchmark the router was trained on: a training-set score, not a held-out one.
      ...(router.inSample > 0 ? { in_sample: router.inSample } : {}),
      points: router.points.map((point) => ({ threshold: point.threshold, strong_pct: point.strongPct, score: point.score })),
    })),
    ...(report.chance ? { chance: { draws: report.chance.draws, mean: report.chance.mean, sd: report.chance.sd } } : {}),
  };
}
