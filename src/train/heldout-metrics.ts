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
  /** The same held-out battles against a prompt-blind baseline, and how well the strong win rate ranks them. */
  readonly routing?: RoutingFigures;
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
  const { routing } = metrics;
  const lines = [
    `held out: ${metrics.battles} ${metrics.unit}, ${nothingScored(metrics) ?? `accuracy ${figure(metrics.accuracy)} on decisive ones, log-loss ${figure(metrics.logLoss)}`}`,
    ...(routing && metrics.battles > 0
      ? [`held out, prompt-blind baseline (${BASELINE}): accuracy ${figure(routing.baseline.accuracy)}, log-loss ${figure(routing.baseline.logLoss)}`]
      : []),
    ...(routing?.auc ? [`held out AUC ${figure(routing.auc.value)} of the strong win rate (${aucCounts(routing.auc)})`] : []),
    ...metrics.apgr.map((a) => `held out APGR ${a.apgr.toFixed(4)}  ${a.source} (${a.prompts} prompts)`),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** The model card's line for the same figures. */
export function heldOutCardLine(metrics: HeldOutMetrics): string {
  const { unit, routing } = metrics;
  const lines = [`- ${unit}: ${metrics.battles}; ${nothingScored(metrics) ?? `accuracy on decisive ${unit}: ${figure(metrics.accuracy)}; log-loss: ${figure(metrics.logLoss)}`}`];
  if (routing && metrics.battles > 0) lines.push(`- prompt-blind baseline (${BASELINE}): accuracy ${figure(routing.baseline.accuracy)}; log-loss ${figure(routing.baseline.logLoss)}`);
  if (routing?.auc) lines.push(`- AUC of the strong win rate: ${figure(routing.auc.value)} (${aucCounts(routing.auc)})`);
  return lines.join('\n');
}

const BASELINE = "each pair's win share in the training battles";

function aucCounts(auc: NonNullable<RoutingFigures['auc']>): string {
  return `held-out strong-vs-weak battles: ${auc.strongWins} strong wins, ${auc.weakWins} weak wins`;
}

/** One battle for the routing figures: its pair, model A's target (1, 0, 0.5), and a prediction for A. */
export interface OrientedBattle {
  readonly modelA: string;
  readonly modelB: string;
  readonly target: number;
}

/** Held-out figures that say whether the router learned anything about prompts. */
export interface RoutingFigures {
  /**
   * A prompt-blind predictor scored on the same battles: for each, its pair's win share in the
   * training battles (0.5 for a pair never seen). A router no better than this learned the
   * pair's base rate, not which prompts need the strong model (labels that are 70% weak wins
   * make 0.7 accuracy free).
   */
  readonly baseline: { readonly accuracy: number; readonly logLoss: number };
  /**
   * The AUC of the predicted strong win rate over decisive held-out battles between the routed
   * pair: the chance that a prompt the strong model won gets a higher win rate than one the
   * weak model won. What a threshold on the win rate can make of it; 0.5 is chance. Undefined
   * when either side won none.
   */
  readonly auc: { readonly value: number; readonly strongWins: number; readonly weakWins: number } | undefined;
}

/** The routing figures of held-out battles and their predictions (for model A), given the training battles. */
export function routingFigures(
  train: readonly OrientedBattle[],
  test: readonly OrientedBattle[],
  predictions: readonly number[],
  strong: string,
  weak: string,
): RoutingFigures {
  const pairKey = (a: string, b: string) => (a < b ? `${a}\0${b}` : `${b}\0${a}`);
  const shares = new Map<string, { first: string; sum: number; count: number }>();
  for (const b of train) {
    const key = pairKey(b.modelA, b.modelB);
    const first = b.modelA < b.modelB ? b.modelA : b.modelB;
    const entry = shares.get(key) ?? { first, sum: 0, count: 0 };
    entry.sum += b.modelA === first ? b.target : 1 - b.target;
    entry.count += 1;
    shares.set(key, entry);
  }
  const blind = test.map((b) => {
    const entry = shares.get(pairKey(b.modelA, b.modelB));
    if (!entry) return 0.5;
    const share = entry.sum / entry.count;
    return b.modelA === entry.first ? share : 1 - share;
  });
  const positives: number[] = [];
  const negatives: number[] = [];
  test.forEach((b, i) => {
    const forStrong = b.modelA === strong && b.modelB === weak ? 1 : b.modelA === weak && b.modelB === strong ? -1 : 0;
    if (forStrong === 0 || b.target === 0.5) return;
    const rate = forStrong === 1 ? predictions[i]! : 1 - predictions[i]!;
    const strongWon = forStrong === 1 ? b.target === 1 : b.target === 0;
    (strongWon ? positives : negatives).push(rate);
  });
  const auc = positives.length > 0 && negatives.length > 0 ? { value: rankAuc(positives, negatives), strongWins: positives.length, weakWins: negatives.length } : undefined;
  return { baseline: battleMetrics(blind, test.map((b) => b.target)), auc };
}

/** P(a positive's score > a negative's), ties counting half (the Mann-Whitney U over average ranks). */
function rankAuc(positives: readonly number[], negatives: readonly number[]): number {
  const all = [...positives.map((v) => ({ v, positive: true })), ...negatives.map((v) => ({ v, positive: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]!.positive) rankSum += rank;
    i = j + 1;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
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
