import type { EvalReport } from '../evaluate-routers.js';

const ROUTER_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#17becf', '#bcbd22', '#8c564b', '#e377c2'];
const COMMERCIAL_COLOURS = ['#7b3294', '#a6611a'];

/**
 * A Vega-Lite spec of the report, after the Python evaluator's plot: score against the
 * strong-model call share for each router, the weak and strong models as dashed lines,
 * the optimal router, and on MT-Bench the commercial routers as labelled points.
 */
export function plotSpec(report: EvalReport): Record<string, unknown> {
  const { benchmark } = report;
  const strongLabel = `${benchmark.strongModel} (strong)`;
  const weakLabel = `${benchmark.weakModel} (weak)`;
  // A router scored on prompts it was trained on is labelled so: its curve is not a held-out result.
  const routerSeries = report.routers.map((router) => `${router.name}${router.inSample > 0 ? ' (in-sample)' : ''}`);
  const commercialSeries = benchmark.commercial.map((point) => `${point.name} (published)`);
  const domain = [...routerSeries, 'optimal', strongLabel, weakLabel, ...commercialSeries];
  const range = [
    ...routerSeries.map((_name, index) => ROUTER_COLOURS[index % ROUTER_COLOURS.length]),
    '#444444',
    '#d62728',
    '#7f7f7f',
    ...commercialSeries.map((_name, index) => COMMERCIAL_COLOURS[index % COMMERCIAL_COLOURS.length]),
  ];
  const yTitle = benchmark.scores.scale === 100 ? 'Accuracy (%)' : 'Score (GPT-4 judge)';
  const x = { field: 'strong_pct', type: 'quantitative', title: 'Strong model calls (%)', scale: { domain: [0, 100] } };
  const y = { field: 'score', type: 'quantitative', title: yTitle, scale: { zero: false } };
  const colour = { field: 'series', type: 'nominal', title: null, scale: { domain, range }, legend: { orient: 'bottom', columns: 2, labelLimit: 400 } };
  const routerRows = report.routers.flatMap((router, index) =>
    router.points.map((point) => ({ series: routerSeries[index], strong_pct: point.strongPct, score: point.score })),
  );
  const optimalRows = report.optimal.map((point) => ({ series: 'optimal', strong_pct: point.strongPct, score: point.score }));
  const modelRows = [
    { series: strongLabel, score: report.strongScore },
    { series: weakLabel, score: report.weakScore },
  ];
  const commercialRows = benchmark.commercial.map((point, index) => ({
    series: commercialSeries[index],
    strong_pct: point.strongPct,
    score: point.score,
    label: `${point.name} ${point.score} at ${point.strongPct}%`,
  }));
  const layer: Record<string, unknown>[] = [
    { data: { values: modelRows }, mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y, color: colour } },
    {
      data: { values: optimalRows },
      mark: { type: 'line', strokeDash: [2, 3], point: { shape: 'cross', size: 40 } },
      encoding: { x, y, color: colour },
    },
    { data: { values: routerRows }, mark: { type: 'line', point: true, strokeWidth: 2 }, encoding: { x, y, color: colour } },
  ];
  if (commercialRows.length > 0) {
    layer.push(
      { data: { values: commercialRows }, mark: { type: 'point', shape: 'diamond', filled: true, size: 160, opacity: 1 }, encoding: { x, y, color: colour } },
      { data: { values: commercialRows }, mark: { type: 'text', align: 'right', dx: -10, dy: -8, fontSize: 11 }, encoding: { x, y, text: { field: 'label' } } },
    );
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 640,
    height: 400,
    padding: 12,
    background: 'white',
    title: { text: `Score vs strong-model calls: ${benchmark.title}`, subtitle: `${benchmark.prompts.length} prompts; routers at ${report.routers[0]?.points.length ?? 0} thresholds` },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { grid: true, gridOpacity: 0.5 } },
    layer,
  };
}
