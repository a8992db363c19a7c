import type { EvalReport } from '../evaluate-routers.js';
import { formatPValue } from '../metrics/chance-level.js';
import { numpyInterp } from '../metrics/interp.js';

/**
 * The report as text: a header with each model's score, a cli-table3 table of routers
 * sorted by APGR, and on MT-Bench a table of the commercial routers with each of our
 * routers' score at the same strong-call share. ANSI styling only when `colour` is set.
 */
export async function reportTable(report: EvalReport, colour: boolean): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const { benchmark } = report;
  const unit = benchmark.scores.scale === 100 ? '%' : '';
  const score = (value: number) => `${value.toFixed(benchmark.scores.scale === 100 ? 2 : 3)}${unit}`;
  const style = colour ? {} : { style: { head: [], border: [] } };
  const lines = [
    `${benchmark.title}: ${benchmark.prompts.length} prompts; strong ${benchmark.strongModel} ${score(report.strongScore)}, weak ${benchmark.weakModel} ${score(report.weakScore)}`,
  ];
  const { chance } = report;
  const head = ['router', 'APGR', 'AUC', 'CPT(20%)', 'CPT(50%)', 'CPT(80%)', ...(chance ? ['p vs random'] : [])];
  const table = new Table({ head, ...style });
  for (const router of report.routers) {
    const { metrics } = router;
    const name = `${router.runs > 1 ? `${router.name} (mean of ${router.runs} runs)` : router.name}${inSampleNote(router, benchmark.prompts.length)}`;
    const p = chance ? [router.pRandom === undefined ? '-' : formatPValue(router.pRandom, chance.draws)] : [];
    table.push([name, metrics.apgr.toFixed(4), metrics.auc.toFixed(3), pct(metrics.cpt20), pct(metrics.cpt50), pct(metrics.cpt80), ...p]);
  }
  lines.push(table.toString());
  if (chance) {
    lines.push(
      `Chance: ${chance.draws} random-score draws give APGR ${chance.mean.toFixed(3)} ± ${chance.sd.toFixed(3)} (sd); ` +
        'p vs random = the share of them at least as good as the router.',
    );
  }
  if (benchmark.commercial.length > 0) {
    const head = ['commercial', 'published', 'strong calls', 'file mean (all / kept)', ...report.routers.map((r) => `${r.name} there`)];
    const commercial = new Table({ head, ...style });
    for (const point of benchmark.commercial) {
      const ours = report.routers.map((router) =>
        score(numpyInterp(point.strongPct, router.points.map((p) => p.strongPct), router.points.map((p) => p.score))),
      );
      const means = `${point.fileMean?.toFixed(3) ?? '-'} / ${point.fileMeanDecontaminated?.toFixed(3) ?? '-'}`;
      commercial.push([point.name, String(point.score), `${point.strongPct}%`, means, ...ours]);
    }
    lines.push(
      commercial.toString(),
      'Published MT-Bench score and GPT-4 call share of each commercial router (Martian\'s share estimated from its cost cap);\n' +
        'file mean: plain mean of its shipped GPT-4 judgements over all 80 questions / the decontaminated ones;\n' +
        '"<router> there": our router\'s score at the same strong-call share (interpolated on its curve).',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Marks a row scored partly on the router's own training prompts. */
export function inSampleNote(router: { readonly inSample: number }, items: number): string {
  return router.inSample > 0 ? ` (in-sample: ${router.inSample} of ${items})` : '';
}

function pct(value: number): string {
  return `${value.toFixed(2)}%`;
}
