import { basename, dirname, extname, join, resolve } from 'node:path';
import { RoutellmError, UpstreamError, UsageError, type ModelList } from '../../core/index.js';
import { readPromptFile } from '../../calibrate/read-prompt-file.js';
import { configPrices } from '../../config/config-prices.js';
import type { ModelsSection } from '../../config/config-sections.js';
import { loadConfig, type RoutellmConfig } from '../../config/load-config.js';
import { resolveModelList } from '../../config/resolve-model-list.js';
import { PriceTable } from '../../upstream/price-table.js';
import { readExistingBattles } from '../../label/existing-battles.js';
import { readFailedPrompts, reusableAnswers, writeFailedPrompts } from '../../label/failed-prompts.js';
import type { BattleRecord, FailureRecord } from '../../label/label-records.js';
import { JsonlAppendFile } from '../../label/jsonl-append-file.js';
import { estimateLabelCost, estimatePromptCost, TYPICAL_ANSWER_TOKENS, TYPICAL_VERDICT_TOKENS, type LabelModels, type TokenAssumptions } from '../../label/label-cost-estimate.js';
import { labelPrompts, type LabelJob, type LabelRunSummary } from '../../label/label-prompts.js';
import type { LabelProgress } from '../../label/label-progress.js';
import { plainLabelProgress } from '../../label/progress/plain-label-progress.js';
import { formatUsd } from '../../label/progress/format-progress.js';
import { promptKey } from '../../label/prompt-key.js';
import { RateGate } from '../../label/rate-gate.js';
import { sampleInOrder } from '../../label/sample-prompts.js';
import type { WinnerRule } from '../../label/winner-rule.js';
import { checkOutputFile } from '../../runtime/output-path.js';
import { publicURL } from '../../upstream/upstream-error-details.js';
import { Upstreams } from '../../upstream/upstreams.js';
import { upstreamRoutingOfFlags } from '../upstream-flags.js';
import type { LabelFlags } from './label-command.js';
import { parsePositiveInteger } from '../parse-positive-integer.js';
import type { CliIo } from '../io.js';
import { sizeUnsizedTerminal, useColour } from '../terminal.js';

/** The most prompts in flight `--concurrency` allows: past it a provider only answers 429s. */
const MAX_CONCURRENCY = 1000;
/** Failures named one by one in the log; the rest are only in --failed. */
const NOTED_FAILURES = 10;

/**
 * `routellm label`: validates every flag and input before any call, prints the plan and the
 * estimated cost, then labels (unless --dry-run) and prints a summary. Exit 0 when every
 * prompt was labelled (or --max-cost stopped the run), 1 when some failed or the run had to
 * stop, 2 for bad input, 130 on Ctrl-C (via bin/).
 */
export async function runLabel(flags: LabelFlags, io: CliIo): Promise<void> {
  const concurrency = parsePositiveInteger(flags.concurrency, '--concurrency');
  if (concurrency > MAX_CONCURRENCY) throw new UsageError(`--concurrency must be at most ${MAX_CONCURRENCY}, got ${concurrency}`);
  const retries = nonNegativeInteger(flags.retries, '--retries');
  const timeoutSeconds = positiveNumber(flags.timeout, '--timeout');
  const maxTokens = flags.maxTokens === undefined ? undefined : parsePositiveInteger(flags.maxTokens, '--max-tokens');
  const maxCost = flags.maxCost === undefined ? undefined : positiveNumber(flags.maxCost, '--max-cost');
  const sample = flags.sample === undefined ? undefined : parsePositiveInteger(flags.sample, '--sample');
  const seed = integer(flags.seed, '--seed');
  if (flags.column.trim() === '') throw new UsageError('--column is empty: name the CSV column or JSONL field that holds the prompt');
  const rule = flags.winnerRule as WinnerRule;

  const promptsPath = resolve(io.cwd, flags.prompts);
  const outPath = resolve(io.cwd, flags.out);
  const failedPath = resolve(io.cwd, flags.failed ?? defaultFailedPath(flags.out));
  if (outPath === promptsPath) throw new UsageError('--out is the --prompts file: give the battles a file of their own');
  if (failedPath === outPath) throw new UsageError('--failed is the --out file: give failed prompts a file of their own');
  if (failedPath === promptsPath) throw new UsageError('--failed is the --prompts file: give failed prompts a file of their own');

  const config = await loadConfig(flags.config, io.env, io.cwd);
  const models = resolveModels(flags, io.env, config.models ?? {}, flags.config ?? config.path);
  if (new Set([models.strong, models.weak]).size === 1) throw new UsageError(`--strong-model and --weak-model are both "${models.strong}": a battle needs two models`);
  // Prices as serve bills them: prices:, and a models: list entry's own price: on top.
  const prices = new PriceTable(configPrices(config));
  // A model named in the config's models: list goes where its entry says (base_url, api_key_env,
  // provider), as serve sends it; any other name as usual.
  const listed = listedModels(config, prices, models);
  // Resolved before anything is read or called: a missing key or a bad prefix fails here, exit 2.
  const upstreams = new Upstreams({
    pair: { strong: models.strong, weak: models.weak },
    modelList: listed.entries,
    extraModels: listed.others,
    ...upstreamRoutingOfFlags(flags, io.env, config),
    // label retries itself, after the global pause: the client's own retry would hammer.
    maxRetries: 0,
    timeoutMs: timeoutSeconds * 1000,
    caller: 'routellm label',
  });
  try {
    await checkOutputFile(outPath, '--out');
    await checkOutputFile(failedPath, '--failed');
    const existing = await readExistingBattles(outPath, '--out');
    if (existing.models && (existing.models.strong !== models.strong || existing.models.weak !== models.weak || existing.models.judge !== models.judge)) {
      const was = existing.models;
      throw new UsageError(
        `--out ${flags.out} holds battles of ${was.strong} vs ${was.weak} judged by ${was.judge}, not ${models.strong} vs ${models.weak} judged by ${models.judge}; use another --out, or the same models to continue it`,
      );
    }

    const read = await readPromptFile(promptsPath, flags.column);
    const blank = read.filter((prompt) => prompt.trim() === '').length;
    const unique = new Map<string, LabelJob>();
    for (const prompt of read) {
      if (prompt.trim() === '') continue;
      const key = promptKey(prompt);
      if (!unique.has(key)) unique.set(key, { prompt, key });
    }
    if (unique.size === 0) throw new UsageError(`no prompts in ${flags.prompts}: every one is blank`);
    const chosen = sample === undefined ? [...unique.values()] : sampleInOrder([...unique.values()], sample, seed);
    // Answers an earlier run paid for (in --failed) are judged, not bought again.
    const failedBefore = await readFailedPrompts(failedPath, '--failed');
    const jobs = chosen
      .filter((job) => !existing.keys.has(job.key))
      .map((job) => {
        const paid = reusableAnswers(failedBefore.records.get(job.key), models, maxTokens);
        return paid ? { ...job, paid } : job;
      });
    const reused = jobs.filter((job) => job.paid !== undefined).length;

    const assumptions: TokenAssumptions = { answerTokens: maxTokens ?? TYPICAL_ANSWER_TOKENS, verdictTokens: TYPICAL_VERDICT_TOKENS };
    const estimate = estimateLabelCost(
      jobs.map((job) => job.prompt),
      models,
      prices,
      assumptions,
    );
    if (maxCost !== undefined && estimate.unpriced.length > 0) {
      const none = estimate.unpriced.length === 1 ? 'has none' : 'have none';
      throw new UsageError(`--max-cost needs a price for every model, and ${estimate.unpriced.join(', ')} ${none}; add ${estimate.unpriced.length === 1 ? 'it' : 'them'} under prices: in --config (USD per million tokens)`);
    }
    const plan = [
      `label plan: ${read.length} prompt(s) in ${flags.prompts}` +
        (blank > 0 ? `, ${blank} blank skipped` : '') +
        (read.length - blank - unique.size > 0 ? `, ${read.length - blank - unique.size} duplicate(s) skipped` : '') +
        (sample !== undefined ? `; a sample of ${chosen.length} (--seed ${seed})` : ''),
      `  already labelled in ${flags.out}: ${chosen.length - jobs.length}${existing.tornBytes > 0 ? ` (and a last line a crash cut short, ${existing.tornBytes} bytes, which is dropped: its prompt is labelled again)` : ''}; to label now: ${jobs.length}` +
        (reused > 0 ? ` (${reused} with answers an earlier run paid for, kept in ${relativeOr(flags.failed, failedPath, io.cwd)}: only judged now)` : ''),
      ...estimate.models.map(
        (m) =>
          `  ${m.role.padEnd(6)} ${m.model} at ${publicURL(upstreams.endpoint(m.model).baseURL)}: ~${m.inputTokens} input + ~${m.outputTokens} output tokens, ` +
          (m.usd === undefined ? 'no price (add it under prices: in --config)' : `~${formatUsd(m.usd)}`),
      ),
      `  estimated cost: ${estimate.usd === undefined ? `unknown (no price for ${estimate.unpriced.join(', ')})` : `~${formatUsd(estimate.usd)}`} ` +
        `(about 4 bytes of text a token; answers of ${assumptions.answerTokens} tokens${maxTokens === undefined ? ' assumed (no --max-tokens)' : ' (--max-tokens)'}, verdicts of ${assumptions.verdictTokens})` +
        (maxCost !== undefined ? `; --max-cost ${formatUsd(maxCost)}` : ''),
      `  ${concurrency} prompt(s) at a time, ${retries} retries a call, ${timeoutSeconds} s timeout; battles to ${flags.out}, failures to ${relativeOr(flags.failed, failedPath, io.cwd)}`,
    ].join('\n');
    if (flags.dryRun) {
      io.stdout.write(`${plan}\n(dry run: nothing was called)\n`);
      return;
    }
    io.stderr.write(`${plan}\n`);
    // One line per prompt in --failed, none for a prompt --out now holds (an earlier run may have appended several).
    const stillFailed = new Map(failedBefore.records);
    for (const key of existing.keys) stillFailed.delete(key);
    if (stillFailed.size !== failedBefore.lines || failedBefore.tornBytes > 0) await writeFailedPrompts(failedPath, stillFailed.values());
    if (jobs.length === 0) {
      io.stdout.write(`nothing to label: every prompt is in ${flags.out} already\n`);
      return;
    }
    await runJobs({ flags, io, jobs, models, upstreams, prices, assumptions, concurrency, retries, rule, maxTokens, maxCost, outPath, failedPath, stillFailed, existingLines: existing.lines });
  } finally {
    upstreams.close();
  }
}

interface RunContext {
  readonly flags: LabelFlags;
  readonly io: CliIo;
  readonly jobs: LabelJob[];
  readonly models: LabelModels;
  readonly upstreams: Upstreams;
  readonly prices: PriceTable;
  readonly assumptions: TokenAssumptions;
  readonly concurrency: number;
  readonly retries: number;
  readonly rule: WinnerRule;
  readonly maxTokens: number | undefined;
  readonly maxCost: number | undefined;
  readonly outPath: string;
  readonly failedPath: string;
  /** --failed as the run starts, one line per prompt; this run's lines replace them, and its battles remove them. */
  readonly stillFailed: Map<string, FailureRecord>;
  readonly existingLines: number;
}

async function runJobs(context: RunContext): Promise<void> {
  const { flags, io, jobs, models, upstreams, prices, assumptions } = context;
  // Listening from here on tells bin/ that this command finishes its own way on Ctrl-C
  // (aborts the calls, writes what is done) instead of being killed mid-write.
  const keepAlive = () => {};
  io.signal?.addEventListener('abort', keepAlive);
  const live = io.stderr.isTTY === true && !io.env['CI'];
  if (live) sizeUnsizedTerminal(io.stderr, io.env);
  const colour = useColour(io.stderr, io.env);
  const progress: LabelProgress = live
    ? await (await import('../../label/progress/ink-label-progress.js')).inkLabelProgress(io.stderr, colour)
    : plainLabelProgress((line) => io.stderr.write(line));
  let failuresNoted = 0;
  // --failed is appended as prompts fail (a crash keeps them), then rewritten with one line per prompt.
  const failedNow = new Map<string, FailureRecord>();
  const labelledNow = new Set<string>();
  const battles = await JsonlAppendFile.open(context.outPath);
  let failures: Awaited<ReturnType<typeof JsonlAppendFile.open>> | undefined;
  let summary: LabelRunSummary;
  try {
    failures = await JsonlAppendFile.open(context.failedPath);
    const failedFile = failures.file;
    const gate = new RateGate({ maxConcurrency: context.concurrency, onPause: (pause) => progress.paused(pause) });
    summary = await labelPrompts({
      jobs,
      models,
      send: (model, body, signal) => upstreams.chat(model, body, { signal }),
      gate,
      retries: context.retries,
      ...(context.maxTokens !== undefined ? { maxTokens: context.maxTokens } : {}),
      rule: context.rule,
      keepAnswers: flags.keepAnswers === true,
      prices,
      ...(context.maxCost !== undefined ? { maxCostUsd: context.maxCost } : {}),
      estimate: (prompt) => estimatePromptCost(prompt, models, prices, assumptions),
      battles: {
        append(record) {
          battles.file.append(record);
          labelledNow.add((record as BattleRecord).prompt_id);
        },
      },
      failures: {
        append(record) {
          const failure = record as FailureRecord;
          failedFile.append(failure);
          failedNow.set(failure.prompt_id, failure);
          failuresNoted += 1;
          if (failuresNoted <= NOTED_FAILURES) progress.note(`failed ${failure.prompt_id} (${failure.stage}): ${failure.reason}`);
          if (failuresNoted === NOTED_FAILURES) progress.note(`further failures are written to ${flags.failed ?? basename(context.failedPath)} only`);
        },
      },
      kept: {
        append(record) {
          const stopped = record as FailureRecord;
          failedFile.append(stopped);
          failedNow.set(stopped.prompt_id, stopped);
        },
      },
      progress,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    progress.close();
    try {
      await battles.file.close();
    } finally {
      await failures?.file.close();
      io.signal?.removeEventListener('abort', keepAlive);
    }
  }
  const stillFailed = context.stillFailed;
  for (const [key, record] of failedNow) {
    stillFailed.delete(key);
    stillFailed.set(key, record);
  }
  for (const key of labelledNow) stillFailed.delete(key);
  await writeFailedPrompts(context.failedPath, stillFailed.values());
  report(summary, context);
}

/** The summary on stdout, then the exit the way the run ended. */
function report(summary: LabelRunSummary, context: RunContext): void {
  const { io, flags } = context;
  const failedName = relativeOr(flags.failed, context.failedPath, io.cwd);
  const total = context.existingLines + summary.labelled;
  io.stdout.write(
    `labelled ${summary.labelled} prompt(s) (weak won ${summary.winners.model_b}, strong won ${summary.winners.model_a}${summary.winners.tie > 0 ? `, ties ${summary.winners.tie}` : ''}), ` +
      `${summary.failed} failed${summary.failed > 0 ? ` (in ${failedName}, with the reason)` : ''}, spent ${formatUsd(summary.spentUsd)}\n` +
      `${flags.out} holds ${total} battle(s)${total > 0 ? `; train on them: routellm train --router mf --data ${flags.out} --out <dir>` : ''}\n`,
  );
  const left = summary.abandoned + summary.notStarted;
  if (summary.stop === 'interrupted') {
    throw new RoutellmError(`interrupted: ${left} prompt(s) not labelled yet (${summary.abandoned} in flight were aborted); run the same command again to continue`);
  }
  if (summary.stop === 'fatal') throw new UpstreamError(`${summary.fatal ?? 'stopped'}; ${left} prompt(s) not labelled yet: fix this and run the same command again to continue`);
  if (summary.stop === 'max-cost') {
    io.stderr.write(`label: stopped at --max-cost ${formatUsd(context.maxCost)}: ${left} prompt(s) left; run again (with a higher --max-cost) to continue\n`);
  }
  if (summary.failed > 0) throw new RoutellmError(`${summary.failed} prompt(s) failed; they are in ${failedName} with the reason, and a re-run tries them again`);
}

/**
 * The three models: flag, then environment, then the config's models: (strong and weak); all
 * required. Over a models: list (no strong or weak in it) the pair is the user's choice among its
 * entries: the error says so, naming them.
 */
function resolveModels(flags: LabelFlags, env: Readonly<Record<string, string | undefined>>, file: ModelsSection, configPath: string | undefined): LabelModels {
  const list = file.list?.map((entry) => entry.name);
  const pick = (flag: string, value: string | undefined, variable: string, fromFile: string | undefined, example: string) => {
    if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} is empty: give a model name, e.g. ${flag} ${example}`);
    const model = value ?? nonEmpty(env[variable]) ?? fromFile;
    if (model === undefined && list !== undefined && list.length > 0 && flag !== '--judge-model') {
      throw new UsageError(
        `${configPath ?? 'the config'} has a models: list; choose the pair to label with --strong-model/--weak-model among its models (${list.join(', ')}), e.g. --strong-model ${list[list.length - 1]} --weak-model ${list[0]}`,
      );
    }
    if (model === undefined) throw new UsageError(`label needs ${flag} (or ${variable}${fromFile === undefined && flag !== '--judge-model' ? `, or models.${flag.slice(2, -6)} in --config` : ''}), e.g. ${flag} ${example}`);
    return model;
  };
  return {
    strong: pick('--strong-model', flags.strongModel, 'ROUTELLM_STRONG_MODEL', file.strong, 'gpt-4o'),
    weak: pick('--weak-model', flags.weakModel, 'ROUTELLM_WEAK_MODEL', file.weak, 'groq/llama-3.1-8b-instant'),
    judge: pick('--judge-model', flags.judgeModel, 'ROUTELLM_JUDGE_MODEL', undefined, 'gpt-4o'),
  };
}

/** Which of the three models are entries of the config's models: list (resolved as serve resolves it), and which are not. */
function listedModels(config: RoutellmConfig, prices: PriceTable, models: LabelModels): { entries: ModelList | undefined; others: string[] } {
  const names = [...new Set([models.strong, models.weak, models.judge])];
  const list = resolveModelList({}, {}, { list: config.models?.list }, (model) => prices.priceOf(model), `${config.path ?? 'config'}: models`);
  const entries = list?.filter((entry) => names.includes(entry.name));
  if (entries === undefined || entries.length === 0) return { entries: undefined, others: [models.judge] };
  return { entries, others: names.filter((name) => !entries.some((entry) => entry.name === name)) };
}

/** `battles.jsonl` -> `battles.failed.jsonl`, beside it. */
function defaultFailedPath(out: string): string {
  const extension = extname(out);
  return join(dirname(out), `${basename(out, extension)}.failed${extension || '.jsonl'}`);
}

function relativeOr(given: string | undefined, absolute: string, cwd: string): string {
  if (given !== undefined) return given;
  return absolute.startsWith(`${cwd}/`) ? absolute.slice(cwd.length + 1) : absolute;
}

function nonNegativeInteger(raw: string, flag: string): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} must be an integer >= 0, got "${raw}"`);
  return value;
}

function integer(raw: string, flag: string): number {
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} must be an integer, got "${raw}"`);
  return value;
}

function positiveNumber(raw: string, flag: string): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a number above 0, got "${raw}"`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
