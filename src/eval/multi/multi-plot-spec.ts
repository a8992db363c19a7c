import { upperHull, type CostPoint } from './cost-quality.js';
import type { MultiEvalReport } from './evaluate-multi.js';

const ROUTER_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#17becf', '#bcbd22'];

/**
 * A Vega-Lite spec of a report over many models: score against cost (a share of the reference's
 * bill, on a log axis, since a ladder's prices span orders of magnitude); each model as a labelled
 * point, the zero router (their hull) dashed, the oracle's frontier dotted, and each router's curve.
 */
export function multiPlotSpec(report: MultiEvalReport): Record<string, unknown> {
  const { benchmark } = report;
  const scale = benchmark.scale;
  const refCost = report.singles[report.reference]!.cost;
  const pct = (cost: number) => (100 * cost) / refCost;
  const routerSeries = report.routers.map((router) => `${router.name}${router.inSample > 0 ? ' (in-sample)' : ''}`);
  const domain = [...routerSeries, 'zero router (hull of the models)', 'oracle'];
  const range = [...routerSeries.map((_name, index) => ROUTER_COLOURS[index % ROUTER_COLOURS.length]), '#7f7f7f', '#444444'];
  const low = Math.min(...report.singles.map((p) => pct(p.cost)), ...report.oracle.curve.map((p) => pct(p.cost)));
  const x = { field: 'cost_pct', type: 'quantitative', title: `Cost (% of ${benchmark.models[report.reference]}'s bill, log scale)`, scale: { type: 'log', domain: [Math.max(low * 0.8, 1e-3), 110] } };
  const y = { field: 'score', type: 'quantitative', title: scale === 100 ? 'Accuracy (%)' : 'Score', scale: { zero: false } };
  const colour = { field: 'series', type: 'nominal', title: null, scale: { domain, range }, legend: { orient: 'bottom', columns: 2, labelLimit: 400 } };
  const rows = (series: string, points: readonly CostPoint[]) => linearInCost(points).map((p) => ({ series, cost_pct: pct(p.cost), score: p.quality * scale }));
  const models = report.singles.map((p, k) => ({ cost_pct: pct(p.cost), score: p.quality * scale, label: benchmark.models[k] }));
  const dots = (series: string, points: readonly CostPoint[]) => points.map((p) => ({ series, cost_pct: pct(p.cost), score: p.quality * scale }));
  const layer: Record<string, unknown>[] = [
    { data: { values: rows('zero router (hull of the models)', report.zero.hull) }, mark: { type: 'line', strokeDash: [6, 4] }, encoding: { x, y, color: colour } },
    { data: { values: rows('oracle', upperHull(report.oracle.curve)) }, mark: { type: 'line', strokeDash: [2, 3] }, encoding: { x, y, color: colour } },
    ...report.routers.flatMap((router, index) => [
      { data: { values: rows(routerSeries[index] as string, [...router.points].sort((a, b) => a.cost - b.cost)) }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color: colour } },
      { data: { values: dots(routerSeries[index] as string, router.points) }, mark: { type: 'point', filled: true, size: 30 }, encoding: { x, y, color: colour } },
    ]),
    { data: { values: models }, mark: { type: 'point', filled: true, size: 50, color: '#333333' }, encoding: { x, y } },
    { data: { values: models }, mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10, color: '#333333' }, encoding: { x, y, text: { field: 'label' } } },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 640,
    height: 420,
    padding: 12,
    background: 'white',
    title: { text: `Score vs cost: ${benchmark.title}`, subtitle: `${benchmark.prompts.length} prompts, ${benchmark.models.length} models` },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { grid: true, gridOpacity: 0.5 } },
    layer,
  };
}

/** Points between each pair of neighbours, so a line straight in cost (what mixing the two buys) is drawn as such on the log axis. */
function linearInCost(points: readonly CostPoint[]): CostPoint[] {
  const out: CostPoint[] = [];
  const steps = 12;
  points.forEach((point, i) => {
    const next = points[i + 1];
    out.push(point);
    if (!next) return;
    for (let step = 1; step < steps; step += 1) {
      const f = step / steps;
      out.push({ cost: point.cost + f * (next.cost - point.cost), quality: point.quality + f * (next.quality - point.quality) });
    }
  });
  return out;
}
