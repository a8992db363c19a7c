import { setMaxListeners } from 'node:events';
import type { PriceTable, TokenUsage } from '../upstream/price-table.js';
import { judgeMessages } from './judge-prompt.js';
import { estimateTokens } from '../core/index.js';
import type { LabelModels } from './label-cost-estimate.js';
import type { LabelProgress } from './label-progress.js';
import { modelFields, usageField, type BattleRecord, type FailedStage, type FailureRecord, type PaidAnswers } from './label-records.js';
import { classifyCallFailure } from './call-failure.js';
import { completeOnce, type ChatSender, type ModelAnswer } from './model-answer.js';
import { parseVerdict } from './parse-verdict.js';
import type { RateGate } from './rate-gate.js';
import { winnerForScore, type WinnerRule } from './winner-rule.js';

/** One prompt to label, with its key, and any answers an earlier run paid for (only judged then). */
export interface LabelJob {
  readonly prompt: string;
  readonly key: string;
  readonly paid?: { readonly strong?: ModelAnswer; readonly weak?: ModelAnswer };
}

/** Where finished lines go: an append-only file (JsonlAppendFile) or anything that takes records. */
export interface RecordSink {
  append(record: unknown): void;
}

export interface LabelRunOptions {
  readonly jobs: readonly LabelJob[];
  readonly models: LabelModels;
  readonly send: ChatSender;
  readonly gate: RateGate;
  /** Retries of one call after a retryable failure (429, 5xx, timeout), each after the global pause. */
  readonly retries: number;
  /** Sent as `max_tokens` with both answers when set. */
  readonly maxTokens?: number;
  readonly rule: WinnerRule;
  readonly keepAnswers: boolean;
  readonly prices: PriceTable;
  /** Stop starting prompts before the spend (actual + reserved estimates) would pass this. */
  readonly maxCostUsd?: number;
  /** The estimated USD of one prompt, reserved while it runs (with maxCostUsd). */
  readonly estimate: (prompt: string) => number | undefined;
  readonly battles: RecordSink;
  readonly failures: RecordSink;
  /**
   * Prompts a stop (Ctrl-C, a fatal error) left with answers already paid for: a FailureRecord
   * with `paid_answers` each, so a re-run judges them instead of asking again. Not failures.
   */
  readonly kept?: RecordSink;
  readonly progress: LabelProgress;
  /** Aborted on Ctrl-C: no prompt is started after it, and the calls in flight are aborted. */
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/** Why a run ended. */
export type LabelStop = 'done' | 'max-cost' | 'interrupted' | 'fatal';

export interface LabelRunSummary {
  readonly stop: LabelStop;
  /** The fatal error's message (a wrong key, an exhausted quota, a full disk). */
  readonly fatal?: string;
  readonly labelled: number;
  readonly failed: number;
  /** Prompts whose calls were aborted (Ctrl-C or a fatal error): written nowhere, labelled by a re-run. */
  readonly abandoned: number;
  /** Prompts never started (a stop came first). */
  readonly notStarted: number;
  /** USD spent by this run's calls, failed prompts' included; undefined when a model has no price. */
  readonly spentUsd: number | undefined;
  /** Battles per winner. */
  readonly winners: Readonly<Record<'model_a' | 'model_b' | 'tie', number>>;
}

/** A prompt that cannot be labelled: written to --failed. */
class PromptFailure extends Error {
  constructor(
    readonly stage: FailedStage,
    message: string,
    readonly status: number | undefined,
    readonly verdict?: string,
  ) {
    super(message);
  }
}

/** No prompt can be labelled: the run stops. */
class FatalFailure extends Error {}

/** The run was stopped while the call was in flight or waiting. */
class Abandoned extends Error {}

/**
 * Labels prompts: for each, both models answer (at once), then the judge rates the weak
 * answer against the strong one; the rating becomes a battle (`rule`). Up to the gate's limit
 * of prompts run at a time; each call waits out the gate's global pause and is retried after
 * a retryable failure up to `retries` times. Finished battles and failures go to their sinks
 * as they come. Never throws for an upstream failure: the summary says how the run ended.
 */
export async function labelPrompts(options: LabelRunOptions): Promise<LabelRunSummary> {
  const { jobs, models, gate, prices, progress } = options;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const stopper = new AbortController();
  const onAbort = () => {
    stop ??= 'interrupted';
    stopper.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = stopper.signal;
  // Every call in flight, and every prompt waiting for a slot or a pause, listens to it.
  setMaxListeners(0, signal);

  let stop: Exclude<LabelStop, 'done'> | undefined = options.signal?.aborted ? 'interrupted' : undefined;
  let fatal: string | undefined;
  let labelled = 0;
  let failed = 0;
  let abandoned = 0;
  let startedJobs = 0;
  let spent = 0;
  let spentKnown = true;
  let reserved = 0;
  const winners = { model_a: 0, model_b: 0, tie: 0 };

  const report = () =>
    progress.update({
      total: jobs.length,
      labelled,
      failed,
      inFlight: gate.active,
      limit: gate.limit,
      spentUsd: spentKnown ? spent : undefined,
      pausedUntil: gate.pausedUntil,
      elapsedMs: Date.now() - started,
    });
  const stopFatally = (message: string) => {
    if (fatal === undefined) {
      fatal = message;
      progress.note(`stopping: ${message}`);
    }
    stop = 'fatal';
    stopper.abort();
  };

  const costOf = (model: string, body: { messages: Array<{ content: string }> }, answer: ModelAnswer): number | undefined => {
    const usage: TokenUsage = answer.usage ?? {
      inputTokens: body.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0),
      outputTokens: estimateTokens(answer.content),
    };
    return prices.costOf(model, usage);
  };
  const account = (model: string, body: { messages: Array<{ content: string }> }, answer: ModelAnswer): number | undefined => {
    const usd = costOf(model, body, answer);
    if (usd === undefined) spentKnown = false;
    else spent += usd;
    return usd;
  };

  /** One call with the gate's pauses and the retries; the answer, or a typed failure. */
  const call = async (
    stage: Exclude<FailedStage, 'verdict'>,
    model: string,
    body: { messages: Array<{ role: string; content: string }>; [key: string]: unknown },
    callSignal: AbortSignal,
  ): Promise<{ answer: ModelAnswer; usd: number | undefined }> => {
    for (let attempt = 0; ; attempt++) {
      if (!(await gate.ready(callSignal))) throw new Abandoned();
      let answer: ModelAnswer;
      try {
        answer = await completeOnce(options.send, model, body, callSignal);
      } catch (error) {
        if (callSignal.aborted) throw new Abandoned();
        const failure = classifyCallFailure(error);
        if (failure.kind === 'fatal') throw new FatalFailure(failure.message);
        if (failure.kind === 'prompt') throw new PromptFailure(stage, failure.message, failure.status);
        gate.failed(failure.reason, failure.retryAfterMs);
        if (attempt >= options.retries) {
          throw new PromptFailure(stage, `${failure.message} (gave up after ${attempt + 1} attempt${attempt === 0 ? '' : 's'})`, failure.status);
        }
        continue;
      }
      gate.succeeded();
      return { answer, usd: account(model, body, answer) };
    }
  };

  /** The answers each prompt in flight has (reused or paid for now), for the line a failure or a stop writes. */
  const answersOf = new Map<string, { strong?: ModelAnswer; weak?: ModelAnswer }>();
  const paidAnswers = (key: string): PaidAnswers | undefined => {
    const answers = answersOf.get(key);
    if (!answers?.strong && !answers?.weak) return undefined;
    const kept = (answer: ModelAnswer | undefined) => (answer ? { content: answer.content, usage: usageField(answer.usage) } : undefined);
    const strong = kept(answers.strong);
    const weak = kept(answers.weak);
    return { max_tokens: options.maxTokens ?? null, ...(strong ? { strong } : {}), ...(weak ? { weak } : {}) };
  };

  const labelOne = async (job: LabelJob): Promise<void> => {
    const question = { messages: [{ role: 'user', content: job.prompt }], ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}) };
    const answers: { strong?: ModelAnswer; weak?: ModelAnswer } = { ...job.paid };
    answersOf.set(job.key, answers);
    // When one answer fails, the other is not worth paying for: its call is aborted too.
    const answering = new AbortController();
    const stopAnswering = () => answering.abort();
    signal.addEventListener('abort', stopAnswering, { once: true });
    if (signal.aborted) answering.abort();
    const answer = async (stage: 'strong answer' | 'weak answer', role: 'strong' | 'weak', model: string) => {
      // An answer an earlier run paid for is judged, not bought again (its cost still goes in the battle's cost_usd).
      const saved = job.paid?.[role];
      if (saved) return { answer: saved, usd: costOf(model, question, saved) };
      try {
        const paid = await call(stage, model, question, answering.signal);
        answers[role] = paid.answer;
        return paid;
      } catch (error) {
        answering.abort();
        throw error;
      }
    };
    const settled = await Promise.allSettled([answer('strong answer', 'strong', models.strong), answer('weak answer', 'weak', models.weak)]);
    signal.removeEventListener('abort', stopAnswering);
    const reasons = settled.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
    if (reasons.length > 0) throw reasons.find((r) => r instanceof FatalFailure) ?? reasons.find((r) => r instanceof PromptFailure) ?? reasons[0];
    const [strong, weak] = settled.map((a) => (a as PromiseFulfilledResult<{ answer: ModelAnswer; usd: number | undefined }>).value) as [
      { answer: ModelAnswer; usd: number | undefined },
      { answer: ModelAnswer; usd: number | undefined },
    ];
    const judge = await call('judge', models.judge, { messages: judgeMessages(job.prompt, strong.answer.content, weak.answer.content) }, signal);
    const verdict = parseVerdict(judge.answer.content);
    if (verdict.score === undefined) throw new PromptFailure('verdict', verdict.reason, undefined, judge.answer.content);
    const costs = [strong.usd, weak.usd, judge.usd];
    const winner = winnerForScore(verdict.score, options.rule);
    const record: BattleRecord = {
      prompt: job.prompt,
      model_a: models.strong,
      model_b: models.weak,
      winner,
      ...modelFields(models),
      judge_score: verdict.score,
      judge_verdict: judge.answer.content,
      winner_rule: options.rule,
      usage: { strong: usageField(strong.answer.usage), weak: usageField(weak.answer.usage), judge: usageField(judge.answer.usage) },
      cost_usd: costs.some((c) => c === undefined) ? null : costs.reduce((sum: number, c) => sum + c!, 0),
      ...(options.keepAnswers ? { answers: { strong: strong.answer.content, weak: weak.answer.content } } : {}),
      prompt_id: job.key,
      labelled_at: now().toISOString(),
    };
    options.battles.append(record);
    winners[winner] += 1;
    labelled += 1;
  };

  /** A stopped prompt's paid answers, kept for the re-run (see `kept`); false when the line could not be written. */
  const keep = (job: LabelJob, why: string): boolean => {
    const paid = paidAnswers(job.key);
    if (!paid || !options.kept) return true;
    const stage: FailedStage = paid.strong && paid.weak ? 'judge' : paid.strong ? 'weak answer' : 'strong answer';
    const record: FailureRecord = {
      prompt: job.prompt,
      prompt_id: job.key,
      stage,
      reason: `the run stopped (${why}) before this prompt was labelled; its answers are kept for the re-run`,
      status: null,
      paid_answers: paid,
      ...modelFields(models),
      failed_at: now().toISOString(),
    };
    try {
      options.kept.append(record);
      return true;
    } catch (writeError) {
      stopFatally(`cannot write the failed prompts: ${(writeError as Error).message}`);
      return false;
    }
  };

  const settle = async (job: LabelJob): Promise<void> => {
    try {
      await labelOne(job);
    } catch (error) {
      if (error instanceof Abandoned) {
        abandoned += 1;
        keep(job, 'interrupted');
      } else if (error instanceof FatalFailure) {
        abandoned += 1;
        stopFatally(error.message);
        keep(job, error.message);
      } else if (error instanceof PromptFailure) {
        const record: FailureRecord = {
          prompt: job.prompt,
          prompt_id: job.key,
          stage: error.stage,
          reason: error.message,
          status: error.status ?? null,
          ...(error.verdict !== undefined ? { judge_verdict: error.verdict } : {}),
          ...(paidAnswers(job.key) ? { paid_answers: paidAnswers(job.key)! } : {}),
          ...modelFields(models),
          failed_at: now().toISOString(),
        };
        try {
          options.failures.append(record);
          failed += 1;
        } catch (writeError) {
          abandoned += 1;
          stopFatally(`cannot write the failed prompts: ${(writeError as Error).message}`);
        }
      } else {
        // A battle that could not be written (a full disk) and anything unforeseen stop the run.
        abandoned += 1;
        stopFatally(error instanceof Error ? error.message : String(error));
      }
    } finally {
      answersOf.delete(job.key);
    }
  };

  const running = new Set<Promise<void>>();
  try {
    for (const job of jobs) {
      if (stop) break;
      if (!(await gate.enter(signal))) break;
      if (stop) {
        gate.leave();
        break;
      }
      const reserve = options.maxCostUsd === undefined ? 0 : (options.estimate(job.prompt) ?? 0);
      if (options.maxCostUsd !== undefined && spent + reserved + reserve > options.maxCostUsd) {
        gate.leave();
        stop = 'max-cost';
        break;
      }
      reserved += reserve;
      startedJobs += 1;
      const task: Promise<void> = settle(job).finally(() => {
        reserved -= reserve;
        gate.leave();
        running.delete(task);
        report();
      });
      running.add(task);
      report();
    }
    await Promise.all(running);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  report();
  return {
    stop: stop ?? 'done',
    ...(fatal !== undefined ? { fatal } : {}),
    labelled,
    failed,
    abandoned,
    notStarted: jobs.length - startedJobs,
    spentUsd: spentKnown ? spent : undefined,
    winners,
  };
}
