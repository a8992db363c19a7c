import type { EvalReport } from '../evaluate-routers.js';

/**
 * The `--json` document of `routellm eval`:
 * `{"benchmark","n","strong":{"model","score"},"weak":{...},"routers":[{"name","apgr","auc",
 * "cpt20","cpt50","cpt80","p_random","points":[{"threshold","strong_pct","score"}]}],"chance":{"draws","mean","sd"}}`.
 * `p_random` and `chance` appear when the chance level was measured. Scores are in the
 * benchmark's units (percent correct for MMLU/GSM8K, judge score for MT-Bench); CPTs and
 * strong_pct are percentages of strong-model calls; routers are sorted by APGR.
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
      cpt20: router.metrics.cpt20,
      cpt50: router.metrics.cpt50,
      cpt80: router.metrics.cpt80,
      ...(router.pRandom === undefined ? {} : { p_random: router.pRandom }),
      points: router.points.map((point) => ({ threshold: point.threshold, strong_pct: point.strongPct, score: point.score })),
    })),
    ...(report.chance ? { chance: { draws: report.chance.draws, mean: report.chance.mean, sd: report.chance.sd } } : {}),
  };
}
