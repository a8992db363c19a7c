import { qualityAtShare, type MultiEvalReport } from './evaluate-multi.js';

/** Shares of the reference's bill at which each curve's quality is reported. */
export const REPORTED_BILL_PCTS = [10, 20, 30, 50] as const;

/**
 * The `--json` document of `routellm eval --models`:
 * `{"benchmark","n","scale","reference","range":{"low_usd","high_usd"},"models":[{"model","score","cost_usd","cost_pct","on_zero_hull","cost_source","expected_cost_usd"}],
 * "zero":{"aiq"},"oracle":{"aiq","score","cost_usd","cost_pct"},"routers":[{"name","aiq","aiq_vs_zero","shuffled":{"draws","mean","sd"},"p_shuffled",
 * "score_at":{"10": …},"in_sample","points":[{"knob","share_pct","score","cost_usd","cost_pct","calls":{model: n}}]}]}`.
 * Scores and AIQ are in the benchmark's units (percent correct for True/False or 0/1 columns);
 * `cost_pct` is a percentage of the reference's bill (the last model of --models), `share_pct` the
 * cost share asked of the knob (0 = all-cheapest, 100 = all-reference bill, on the expected costs).
 */
export function multiReportJson(report: MultiEvalReport) {
  const { benchmark } = report;
  const scale = benchmark.scale;
  const refCost = report.singles[report.reference]!.cost;
  const pct = (cost: number) => (100 * cost) / refCost;
  const onHull = new Set(report.zero.hull);
  return {
    benchmark: benchmark.name,
    n: benchmark.prompts.length,
    scale,
    reference: benchmark.models[report.reference],
    range: { low_usd: report.range.low, high_usd: report.range.high },
    models: benchmark.models.map((model, k) => ({
      model,
      score: report.singles[k]!.quality * scale,
      cost_usd: report.singles[k]!.cost,
      cost_pct: pct(report.singles[k]!.cost),
      on_zero_hull: onHull.has(report.singles[k]!),
      cost_source: benchmark.costSources[k],
      expected_cost_usd: report.expectedCosts[k],
    })),
    zero: { aiq: report.zero.aiq * scale },
    oracle: { aiq: report.oracle.aiq * scale, score: report.oracle.best.quality * scale, cost_usd: report.oracle.best.cost, cost_pct: pct(report.oracle.best.cost) },
    routers: report.routers.map((router) => ({
      name: router.name,
      aiq: router.aiq * scale,
      aiq_vs_zero: (router.aiq - report.zero.aiq) * scale,
      ...(router.shuffled ? { shuffled: { draws: router.shuffled.draws, mean: router.shuffled.mean * scale, sd: router.shuffled.sd * scale }, p_shuffled: router.pShuffled } : {}),
      score_at: Object.fromEntries(REPORTED_BILL_PCTS.map((at) => [String(at), nullable(qualityAtShare(report, router.points, at / 100) * scale)])),
      ...(router.inSample > 0 ? { in_sample: router.inSample } : {}),
      points: router.points.map((point) => ({
        knob: Number.isFinite(point.knob) ? point.knob : null,
        share_pct: point.share === undefined ? null : point.share * 100,
        score: point.quality * scale,
        cost_usd: point.cost,
        cost_pct: pct(point.cost),
        calls: Object.fromEntries(benchmark.models.map((model, k) => [model, point.calls[k]])),
      })),
    })),
  };
}

/** NaN (a share below a curve's cheapest point) as null: JSON has no NaN. */
function nullable(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
