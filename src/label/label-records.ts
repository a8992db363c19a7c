import type { TokenUsage } from '../upstream/price-table.js';
import type { Winner } from '../train/battle.js';
import type { LabelModels } from './label-cost-estimate.js';
import type { WinnerRule } from './winner-rule.js';

/** Token counts as written: OpenAI's names; null when the upstream reported none. */
export type UsageField = { readonly input_tokens: number; readonly output_tokens: number } | null;

/**
 * One line of `--out`. The first four fields are what `routellm train` reads (model_a is the
 * strong model, model_b the weak one); `strong_model`/`weak_model` tell train which is which
 * when no flag does; the rest it ignores.
 */
export interface BattleRecord {
  readonly prompt: string;
  readonly model_a: string;
  readonly model_b: string;
  readonly winner: Winner;
  readonly strong_model: string;
  readonly weak_model: string;
  readonly judge_model: string;
  /** The judge's 1-5 rating of the weak answer against the strong one. */
  readonly judge_score: number;
  /** The judge's whole answer, as it wrote it. */
  readonly judge_verdict: string;
  readonly winner_rule: WinnerRule;
  readonly usage: { readonly strong: UsageField; readonly weak: UsageField; readonly judge: UsageField };
  /** USD of the three calls; null when a model has no price. */
  readonly cost_usd: number | null;
  /** Both answers, with --keep-answers. */
  readonly answers?: { readonly strong: string; readonly weak: string };
  /** The key re-runs skip by (see prompt-key.ts). */
  readonly prompt_id: string;
  readonly labelled_at: string;
}

/** Which step of a prompt failed. */
export type FailedStage = 'strong answer' | 'weak answer' | 'judge' | 'verdict';

/** One answer label paid for, as kept in `--failed`. */
export interface PaidAnswer {
  readonly content: string;
  readonly usage: UsageField;
}

/**
 * The answers a prompt had when it stopped short of a battle (the judge failed or wrote no
 * rating, or the run stopped), with the --max-tokens they were asked with (null: none). A re-run
 * with the same models and --max-tokens reuses them instead of paying for them again.
 */
export interface PaidAnswers {
  readonly max_tokens: number | null;
  readonly strong?: PaidAnswer;
  readonly weak?: PaidAnswer;
}

/**
 * One line of `--failed`: a prompt not labelled, and why, with any answers already paid for.
 * A re-run tries it again, and keeps one line per prompt.
 */
export interface FailureRecord {
  readonly prompt: string;
  readonly prompt_id: string;
  readonly stage: FailedStage;
  readonly reason: string;
  /** The upstream's HTTP status, when it answered with one. */
  readonly status: number | null;
  /** The judge's answer, when the verdict could not be read. */
  readonly judge_verdict?: string;
  readonly paid_answers?: PaidAnswers;
  readonly strong_model: string;
  readonly weak_model: string;
  readonly judge_model: string;
  readonly failed_at: string;
}

/** Token counts as a record field. */
export function usageField(usage: TokenUsage | undefined): UsageField {
  return usage ? { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens } : null;
}

/** The model fields every line carries. */
export function modelFields(models: LabelModels) {
  return { strong_model: models.strong, weak_model: models.weak, judge_model: models.judge };
}
