import { curveMetrics } from '../eval/metrics/curve-metrics.js';
import type { PairedScores } from '../eval/metrics/paired-scores.js';
import { routerCurve } from '../eval/metrics/router-curve.js';
import type { ScoredPrompt } from './battle.js';

/** Held-out figures printed at the end of training and written to the model card. */
export interface HeldOutMetrics {
  /** Battles (mf, sw_ranking) or prompts (lexical, one averaged target each) scored, decisive and ties. */
  readonly battles: number;
  /** What `battles` counts. */
  readonly unit: 'battles' | 'prompts';
  /** Share of decisive held-out battles (prompts) whose winner the model favours. */
  readonly accuracy: number;
  /** Mean logistic loss over all held-out battles, ties as 0.5. */
  readonly logLoss: number;
  /** APGR of the strong/weak pair on each score-table file's held-out prompts (RouteLLM's curve). */
  readonly apgr: ReadonlyArray<{ source: string; prompts: number; apgr: number; strongMean: number; weakMean: number; scores: PairedScores }>;
}

/**
 * Why there is no accuracy or log-loss when nothing held out could be scored (sw_ranking: every
 * held-out battle involves a model the training battles never saw, so it has no rating).
 */
function nothingScored(metrics: HeldOutMetrics): string | undefined {
  if (metrics.battles > 0) return undefined;
  return `n/a (no held-out ${metrics.unit === 'prompts' ? 'prompt' : 'battle'} between trained models)`;
}

/** A figure to four places; `n/a` for the NaN accuracy of held-out battles that are all ties. */
function figure(value: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(4);
}

/** The held-out summary `routellm train` prints to stdout, in the unit the metrics count (battles or prompts). */
export function formatHeldOutMetrics(metrics: HeldOutMetrics): string {
  const lines = [
    `held out: ${metrics.battles} ${metrics.unit}, ${nothingScored(metrics) ?? `accuracy ${figure(metrics.accuracy)} on decisive ones, log-loss ${figure(metrics.logLoss)}`}`,
    ...metrics.apgr.map((a) => `held out APGR ${a.apgr.toFixed(4)}  ${a.source} (${a.prompts} prompts)`),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** The model card's line for the same figures. */
export function heldOutCardLine(metrics: HeldOutMetrics): string {
  const { unit } = metrics;
  return `- ${unit}: ${metrics.battles}; ${nothingScored(metrics) ?? `accuracy on decisive ${unit}: ${figure(metrics.accuracy)}; log-loss: ${figure(metrics.logLoss)}`}`;
}

/** Accuracy and log-loss of predicted win rates against battle targets (1, 0, 0.5). */
export function battleMetrics(predictions: readonly number[], targets: readonly number[]): { accuracy: number; logLoss: number } {
  let correct = 0;
  let decisive = 0;
  let loss = 0;
  predictions.forEach((p, i) => {
    const y = targets[i]!;
    loss += -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12));
    if (y === 0.5) return;
    decisive++;
    if ((p >= 0.5 ? 1 : 0) === y) correct++;
  });
  return { accuracy: decisive > 0 ? correct / decisive : Number.NaN, logLoss: predictions.length > 0 ? loss / predictions.length : Number.NaN };
}

/**
 * APGR per source file of the held-out scored prompts, for the given pair. Files where the two
 * models score the same on average (no gap to recover) are skipped.
 */
export function heldOutApgr(
  scored: readonly ScoredPrompt[],
  winRates: ReadonlyMap<string, number>,
  strong: string,
  weak: string,
): HeldOutMetrics['apgr'] {
  const bySource = new Map<string, ScoredPrompt[]>();
  for (const item of scored) {
    if (!item.scores.has(strong) || !item.scores.has(weak) || !winRates.has(item.prompt)) continue;
    bySource.set(item.source, [...(bySource.get(item.source) ?? []), item]);
  }
  const out: Array<HeldOutMetrics['apgr'][number]> = [];
  for (const [source, items] of bySource) {
    const strongScores = Float64Array.from(items, (i) => i.scores.get(strong)!);
    const weakScores = Float64Array.from(items, (i) => i.scores.get(weak)!);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const strongMean = mean(strongScores);
    const weakMean = mean(weakScores);
    if (items.length < 10 || Math.abs(strongMean - weakMean) < 1e-9) continue;
    const scores: PairedScores = { strong: strongScores, weak: weakScores, rowsPerItem: 1, scale: 1, optimalBudget: 'fractional' };
    const curve = routerCurve(Float64Array.from(items, (i) => winRates.get(i.prompt)!), scores, 10);
    out.push({ source, prompts: items.length, apgr: curveMetrics(curve, weakMean, strongMean).apgr, strongMean, weakMean, scores });
  }
  return out;
}
