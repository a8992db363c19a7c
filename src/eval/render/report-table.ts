import { wrapProse, wrapWords } from '../../runtime/wrap-text.js';
import type { EvalReport } from '../evaluate-routers.js';
import { formatPValue } from '../metrics/chance-level.js';
import { numpyInterp } from '../metrics/interp.js';
import { fitTable, type FitColumn } from './fit-table.js';

/** How the report is laid out: ANSI styling (bold heads) or none, and the terminal's width. */
export interface TableLayout {
  readonly colour: boolean;
  readonly width: number;
}

/**
 * The report as text, fitted to `layout.width`: a header with each model's score, a cli-table3
 * table of routers sorted by APGR, and on MT-Bench a table of the commercial routers with each
 * of our routers' score at the same strong-call share. Too wide, a table wraps its cells at
 * spaces, then leaves out its least needed columns (AUC first) and says so under it.
 */
export async function reportTable(report: EvalReport, layout: TableLayout): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const { benchmark } = report;
  const unit = benchmark.scores.scale === 100 ? '%' : '';
  const score = (value: number) => `${value.toFixed(benchmark.scores.scale === 100 ? 2 : 3)}${unit}`;
  // cli-table3 draws heads red unless told otherwise, emits ANSI even into a pipe, and decides on
  // colour from process.env: heads are styled here instead, bold, from the command's own choice.
  const style = { head: [], border: [] };
  const bold = (line: string) => (layout.colour ? `\u001b[1m${line}\u001b[22m` : line);
  const render = (columns: readonly FitColumn[], afterwards: string) => {
    const fitted = fitTable(columns, layout.width);
    const heads = fitted.columns.map((column, index) => wrapWords(column.head.split(' '), (fitted.widths[index] as number) - 2).map(bold).join('\n'));
    const table = new Table({ head: heads, colWidths: [...fitted.widths], wordWrap: true, style });
    const rows = fitted.columns[0]?.cells.length ?? 0;
    for (let row = 0; row < rows; row += 1) table.push(fitted.columns.map((column) => column.cells[row] as string));
    const left = fitted.dropped.length > 0 ? `\n(${fitted.dropped.join(', ')} left out to fit ${layout.width} columns; ${afterwards})` : '';
    return `${table.toString()}${prose(left)}`;
  };
  const prose = (text: string) => wrapProse(text, layout.width);
  const lines = [
    prose(`${benchmark.title}: ${benchmark.prompts.length} prompts; strong ${benchmark.strongModel} ${score(report.strongScore)}, weak ${benchmark.weakModel} ${score(report.weakScore)}`),
  ];
  const { chance } = report;
  const routers = report.routers;
  const columns: FitColumn[] = [
    { head: 'router', cells: routers.map((router) => `${router.runs > 1 ? `${router.name} (mean of ${router.runs} runs)` : router.name}${inSampleNote(router, benchmark.prompts.length)}`) },
    { head: 'APGR', cells: routers.map((router) => router.metrics.apgr.toFixed(4)) },
    { head: 'AUC', cells: routers.map((router) => router.metrics.auc.toFixed(3)), keep: 1 },
    { head: 'CPT(20%)', cells: routers.map((router) => pct(router.metrics.cpt20)), keep: 2 },
    { head: 'CPT(50%)', cells: routers.map((router) => pct(router.metrics.cpt50)), keep: 5 },
    { head: 'CPT(80%)', cells: routers.map((router) => pct(router.metrics.cpt80)), keep: 3 },
  ];
  if (chance) {
    columns.push({ head: 'p vs random', cells: routers.map((router) => (router.pRandom === undefined ? '-' : formatPValue(router.pRandom, chance.draws))), keep: 4 });
  }
  lines.push(render(columns, 'a wider terminal or --json shows them'));
  if (chance) {
    lines.push(
      prose(
        `Chance: ${chance.draws} random-score draws give APGR ${chance.mean.toFixed(3)} ± ${chance.sd.toFixed(3)} (sd); ` +
          'p vs random = the share of them at least as good as the router.',
      ),
    );
  }
  if (benchmark.commercial.length > 0) {
    const commercial = benchmark.commercial;
    const columns: FitColumn[] = [
      { head: 'commercial', cells: commercial.map((point) => point.name) },
      { head: 'published', cells: commercial.map((point) => String(point.score)) },
      { head: 'strong calls', cells: commercial.map((point) => `${point.strongPct}%`) },
      { head: 'file mean (all / kept)', cells: commercial.map((point) => `${point.fileMean?.toFixed(3) ?? '-'} / ${point.fileMeanDecontaminated?.toFixed(3) ?? '-'}`), keep: 0 },
      // Our routers at the same share, best first: the last ones go first when the table is too wide.
      ...routers.map((router, index) => ({
        head: `${router.name} there`,
        cells: commercial.map((point) => score(numpyInterp(point.strongPct, router.points.map((p) => p.strongPct), router.points.map((p) => p.score)))),
        keep: routers.length - index,
      })),
    ];
    lines.push(
      render(columns, 'a wider terminal shows them'),
      prose(
        'Published MT-Bench score and GPT-4 call share of each commercial router (Martian\'s share estimated from its cost cap); ' +
          'file mean: plain mean of its shipped GPT-4 judgements over all 80 questions / the decontaminated ones; ' +
          '"<router> there": our router\'s score at the same strong-call share (interpolated on its curve).',
      ),
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
