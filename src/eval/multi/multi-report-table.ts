import { wrapProse, wrapWords } from '../../runtime/wrap-text.js';
import { formatPValue } from '../metrics/chance-level.js';
import { fitTable, type FitColumn } from '../render/fit-table.js';
import { inSampleNote, type TableLayout } from '../render/report-table.js';
import { qualityAtShare, type MultiEvalReport } from './evaluate-multi.js';
/** Shares of the reference's bill in the table's columns (--json has 20% too). */
const TABLE_BILL_PCTS = [10, 30, 50] as const;

/**
 * The report as text, fitted to `layout.width`: each model alone (score, cost per 1,000 prompts,
 * share of the reference's bill, whether it is on the zero router's hull), then the routers, the
 * zero router and the oracle by AIQ, with each router's score at 10-50% of the reference's bill
 * and its AIQ when its scores are shuffled across prompts. Too wide, a table drops its least
 * needed columns and says so.
 */
export async function multiReportTable(report: MultiEvalReport, layout: TableLayout): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const { benchmark } = report;
  const scale = benchmark.scale;
  const unit = scale === 100 ? '%' : '';
  const score = (value: number) => (Number.isFinite(value) ? `${(value * scale).toFixed(scale === 100 ? 1 : 3)}${unit}` : '-');
  const refCost = report.singles[report.reference]!.cost;
  const pct = (cost: number) => `${((100 * cost) / refCost).toFixed(1)}%`;
  const style = { head: [], border: [] };
  const bold = (line: string) => (layout.colour ? `\u001b[1m${line}\u001b[22m` : line);
  const prose = (text: string) => wrapProse(text, layout.width);
  // The models' table has a row per model: no rule between rows, so eleven fit a screen.
  const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
  const render = (columns: readonly FitColumn[], dense = false) => {
    const fitted = fitTable(columns, layout.width);
    const heads = fitted.columns.map((column, index) => wrapWords(column.head.split(' '), (fitted.widths[index] as number) - 2).map(bold).join('\n'));
    const table = new Table({ head: heads, colWidths: [...fitted.widths], wordWrap: true, style, ...(dense ? { chars: compact } : {}) });
    const rows = fitted.columns[0]?.cells.length ?? 0;
    for (let row = 0; row < rows; row += 1) table.push(fitted.columns.map((column) => column.cells[row] as string));
    const left = fitted.dropped.length > 0 ? `\n(${fitted.dropped.join(', ')} left out to fit ${layout.width} columns; a wider terminal or --json shows them)` : '';
    return `${table.toString()}${prose(left)}`;
  };
  const reference = benchmark.models[report.reference] as string;
  const onHull = new Set(report.zero.hull);
  const lines = [prose(`${benchmark.title}: ${benchmark.prompts.length} prompts, ${benchmark.models.length} models; reference (100% of the bill) ${reference}`)];
  lines.push(
    render([
      { head: 'model', cells: benchmark.models.map((model, k) => `${model}${onHull.has(report.singles[k]!) ? ' *' : ''}`) },
      { head: 'score', cells: report.singles.map((p) => score(p.quality)) },
      { head: 'USD per 1k prompts', cells: report.singles.map((p) => (p.cost * 1000).toPrecision(3)), keep: 1 },
      { head: 'of the bill', cells: report.singles.map((p) => pct(p.cost)) },
    ], true),
  );
  const rows = [
    ...report.routers.map((router) => ({
      name: `${router.name}${inSampleNote(router, benchmark.prompts.length)}`,
      aiq: router.aiq,
      at: TABLE_BILL_PCTS.map((at) => qualityAtShare(report, router.points, at / 100)),
      shuffled: router.shuffled ? `${score(router.shuffled.mean)} ± ${(router.shuffled.sd * scale).toFixed(scale === 100 ? 1 : 3)}` : '-',
      p: router.pShuffled === undefined || !router.shuffled ? '-' : formatPValue(router.pShuffled, router.shuffled.draws),
    })),
    { name: 'zero router', aiq: report.zero.aiq, at: TABLE_BILL_PCTS.map((at) => qualityAtShare(report, report.zero.hull, at / 100)), shuffled: '-', p: '-' },
    { name: 'oracle', aiq: report.oracle.aiq, at: TABLE_BILL_PCTS.map((at) => qualityAtShare(report, report.oracle.curve, at / 100)), shuffled: '-', p: '-' },
  ];
  lines.push(
    render([
      { head: 'router', cells: rows.map((row) => row.name) },
      { head: 'AIQ', cells: rows.map((row) => score(row.aiq)) },
      ...TABLE_BILL_PCTS.map((at, i) => ({ head: `at ${at}%`, cells: rows.map((row) => score(row.at[i] as number)), keep: at === 30 ? 5 : at === 10 ? 3 : 2 })),
      { head: 'AIQ shuffled', cells: rows.map((row) => row.shuffled), keep: 4 },
      { head: 'p vs shuffled', cells: rows.map((row) => row.p), keep: 6 },
    ]),
  );
  lines.push(
    prose(
      `* on the zero router's hull: the best mixes of single models. Oracle: every prompt to its cheapest right model (at best ${score(report.oracle.best.quality)} for ${pct(report.oracle.best.cost)} of the bill). AIQ: mean score over the cost range of the single models (${(report.range.low * 1000).toPrecision(3)}-${(report.range.high * 1000).toPrecision(3)} USD per 1k prompts) on the hull of a curve (RouterBench's metric); ` +
        `"at 30%": the score for 30% of ${reference}'s bill. Shuffled: the router's own scores dealt to the wrong prompts (its mix of models, no prompt-level signal); ` +
        'p vs shuffled = the share of those draws at least as good.',
    ),
  );
  return `${lines.join('\n')}\n`;
}
