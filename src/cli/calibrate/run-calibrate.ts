import { resolve } from 'node:path';
import { DEFAULT_MODEL_PAIR, UsageError, type Router, type RouterContext, type RouterOptions } from '../../core/index.js';
import { buildCalibrationTable, TABLE_COMMAND } from '../../calibrate/build-calibration-table.js';
import { findTableEntry, thresholdFromEntry } from '../../calibrate/calibration-table.js';
import { calibrationTablePaths, readShareTables, shippedTablePath, tablePathsSuffix } from '../../calibrate/load-calibration-table.js';
import { formatSharePercent, parseShare, pythonFloat, sharePercent } from '../../calibrate/parse-share.js';
import { publishedWinRates, usesPublishedWeights } from '../../calibrate/published-win-rates.js';
import { readPromptFile } from '../../calibrate/read-prompt-file.js';
import { thresholdForShare } from '../../calibrate/threshold-for-share.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { resolveDataDir } from '../../eval/benchmarks/data-dir.js';
import { loadMmlu } from '../../eval/benchmarks/mmlu.js';
import { sortedAscending } from '../../eval/metrics/quantile.js';
import { hashSplitHalf } from '../../eval/select-items.js';
import { winRatesWithCache } from '../../eval/score-with-cache.js';
import { resolveCacheDir, WinRateCache } from '../../eval/win-rate-cache.js';
import { checkInputFile, checkOutputFile, fsUsageError, isFsError } from '../../runtime/output-path.js';
import { writeFileAtomic } from '../../runtime/write-file-atomic.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import { datasetsDir } from '../../runtime/package-paths.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import type { CalibrateFlags } from '../commands/calibrate.js';
import type { CliIo } from '../io.js';

/** What we print for one router. */
interface Calibration {
  readonly router: string;
  readonly share: number;
  readonly threshold: number;
  readonly n: number;
}

/** Shared by both modes: the routers this run uses, their context and a way to score prompts with the cache. */
interface Setup {
  /** The routers named, else the default (or, for --write-table, every offline one); all registered. */
  readonly names: readonly string[];
  readonly context: RouterContext;
  /** The options a router runs with (its config section). */
  optionsOf(name: string): RouterOptions;
  build(name: string): Promise<Router>;
  winRates(router: Router, prompts: readonly string[]): Promise<Float64Array>;
}

/** `routellm calibrate`: thresholds for a strong-call share, or `--write-table`. */
export async function runCalibrate(flags: CalibrateFlags, io: CliIo): Promise<void> {
  rejectFlagsThatDoNotApply(flags);
  const share = flags.writeTable ? undefined : requireShare(flags.strongModelPct);
  const column = flags.column ?? 'prompt';
  // Scoring may take minutes: an unreadable input or unwritable table is found out first.
  if (flags.prompts) await checkInputFile(resolve(io.cwd, flags.prompts), `--prompts ${flags.prompts}`);
  const setup = await prepare(flags, io);
  if (flags.writeTable) {
    await writeTable(flags, column, io, setup);
    return;
  }
  const results = flags.prompts
    ? await fromPrompts(resolve(io.cwd, flags.prompts), column, share as number, setup)
    : await fromTables(flags.table === undefined ? undefined : resolve(io.cwd, flags.table), share as number, io, setup);
  for (const result of results) {
    io.stdout.write(
      flags.json
        ? // A percentage, as every *_pct field of calibrate and eval (the flag also takes a fraction, as the Python's).
          `${JSON.stringify({ router: result.router, strong_model_pct: sharePercent(result.share), threshold: result.threshold, n: result.n })}\n`
        : `For ${formatSharePercent(result.share)} strong model calls for ${result.router}, threshold = ${pythonFloat(Number(result.threshold.toFixed(5)))}\n`,
    );
  }
}

/** Flags that one mode takes and the other would silently ignore are usage errors. */
function rejectFlagsThatDoNotApply(flags: CalibrateFlags): void {
  if (flags.column !== undefined && flags.prompts === undefined) {
    throw new UsageError('--column names the prompt column of --prompts FILE; without --prompts there is no file to read it from');
  }
  if (flags.writeTable) {
    if (flags.strongModelPct !== undefined) {
      throw new UsageError('--write-table records every share at once and takes no --strong-model-pct; run calibrate again without --write-table for one threshold');
    }
    if (flags.json) throw new UsageError('--json prints thresholds, which --write-table does not; it writes the table to --table (or the shipped one)');
    if (flags.data !== undefined && flags.prompts !== undefined) {
      throw new UsageError('--data is where --write-table finds the MMLU prompts; with --prompts it reads your file instead, so drop one of them');
    }
    if (flags.prompts !== undefined && flags.table === undefined) {
      // Without --table the table goes to the shipped path: a table of one user's prompts would replace the package's.
      throw new UsageError('--write-table --prompts needs --table FILE for your table; without it the shipped table would be overwritten');
    }
  } else {
    if (flags.data !== undefined) {
      throw new UsageError('--data applies to --write-table only (the MMLU prompts it tabulates); for thresholds over your prompts use --prompts FILE');
    }
    if (flags.table !== undefined && flags.prompts !== undefined) {
      throw new UsageError('--table is the quantile table used without --prompts; with --prompts the thresholds come from your prompts, so drop one of them (or add --write-table to write --table from them)');
    }
  }
}

function requireShare(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('--strong-model-pct is required: the share of calls for the strong model, e.g. 0.5 or 50%');
  return parseShare(raw);
}

async function prepare(flags: CalibrateFlags, io: CliIo): Promise<Setup> {
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const registry = createBuiltinRegistry();
  const context = nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr });
  const cacheDir = resolveCacheDir(flags.cacheDir, io.env, io.cwd);
  const warn = (message: string) => io.stderr.write(`routellm: warning: ${message}\n`);
  const names = flags.routers ?? (flags.writeTable ? registry.factories().filter((factory) => factory.offline).map((factory) => factory.name) : [DEFAULT_ROUTER]);
  for (const name of names) registry.get(name);
  unknownConfigRouterWarnings(config, registry, names).forEach(warn);
  return {
    names,
    context,
    optionsOf: (name) => config.routers[name] ?? {},
    build: async (name) => registry.get(name).create(config.routers[name] ?? {}, context),
    winRates: async (router, prompts) => {
      // random is noise by design: never cached.
      const cache = router.name === 'random' ? undefined : await WinRateCache.open(cacheDir, router.fingerprint, warn);
      return winRatesWithCache(router, prompts, cache, {
        started: (total, cached) => {
          if (total > cached) io.stderr.write(`${router.name}: scoring ${total - cached} of ${total} prompts (${cached} cached)\n`);
        },
        advanced: () => {},
      }, io.signal);
    },
  };
}

async function fromPrompts(path: string, column: string, share: number, setup: Setup): Promise<Calibration[]> {
  const prompts = await readPrompts(path, column);
  const routers = await buildAll(setup);
  const results: Calibration[] = [];
  for (const router of routers) {
    const rates = await setup.winRates(router, prompts);
    results.push({ router: router.name, share, threshold: thresholdForShare(sortedAscending(rates), share), n: prompts.length });
  }
  return results;
}

/**
 * Thresholds from the calibration tables, exactly as route and serve resolve `router-mf-50%`
 * (findTableEntry): `--table` (else `$ROUTELLM_CALIBRATION_TABLE`) first, then the shipped table
 * for the routers it lacks. Refusals name the tables' paths, which route and serve keep out of 400s.
 */
async function fromTables(table: string | undefined, share: number, io: CliIo, setup: Setup): Promise<Calibration[]> {
  const inForce = calibrationTablePaths(io.env, datasetsDir());
  const tables = await readShareTables(
    table === undefined ? inForce : { ...inForce, custom: table },
    setup.context.readFile,
    table === undefined ? undefined : 'the calibration table in --table',
  );
  const results: Calibration[] = [];
  for (const router of await buildAll(setup)) {
    const found = findTableEntry(tables.tables, router.name, router, 'calibrate on them directly with --prompts YOUR_PROMPTS');
    if ('problem' in found && usesPublishedWeights(router.name, setup.optionsOf(router.name))) {
      // RouteLLM's own checkpoints (config.example.yaml): its calibrate --task calibrate reads the
      // win rates it published for them; so does this one.
      const rates = sortedAscending(await publishedWinRates(router.name, setup.context));
      results.push({ router: router.name, share, threshold: thresholdForShare(rates, share), n: rates.length });
      continue;
    }
    if ('problem' in found) throw new UsageError(`${found.problem}${tablePathsSuffix(tables)}`);
    results.push({ router: router.name, share, threshold: thresholdFromEntry(found, share), n: found.n });
  }
  return results;
}

/** Builds every router before any is scored: a router that cannot load fails before minutes of scoring the others. */
async function buildAll(setup: Setup): Promise<Router[]> {
  const routers: Router[] = [];
  for (const name of setup.names) routers.push(await setup.build(name));
  return routers;
}

/** readPromptFile, with a filesystem failure said in one line. */
async function readPrompts(path: string, column: string): Promise<string[]> {
  try {
    return await readPromptFile(path, column);
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'read', `--prompts ${path}`);
    throw error;
  }
}

async function writeTable(flags: CalibrateFlags, column: string, io: CliIo, setup: Setup): Promise<void> {
  const path = flags.table ? resolve(io.cwd, flags.table) : shippedTablePath(datasetsDir());
  await checkOutputFile(path, flags.table ? '--table' : 'the shipped table');
  let prompts: readonly string[];
  let source: string;
  if (flags.prompts) {
    prompts = await readPrompts(resolve(io.cwd, flags.prompts), column);
    source = `prompts of ${flags.prompts}`;
  } else {
    const mmlu = hashSplitHalf(await loadMmlu({ dataDir: resolveDataDir(flags.data, io.env, io.cwd), ...modelColumns() }), 'train');
    prompts = mmlu.prompts;
    source =
      'MMLU train half (first byte of sha1(prompt) even, src/eval/mmlu-split.ts) of the Python RouteLLM mmlu/responses, decontaminated; never used for reported eval numbers of trained routers';
  }
  const routers = await buildAll(setup);
  const rates: { router: Router; rates: Float64Array }[] = [];
  for (const router of routers) rates.push({ router, rates: await setup.winRates(router, prompts) });
  const table = buildCalibrationTable({ source, n: prompts.length, rates, madeBy: writeTableCommand(flags) });
  try {
    await writeFileAtomic(path, `${JSON.stringify(table)}\n`);
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'write', flags.table ? `--table ${path}` : path);
    throw error;
  }
  io.stderr.write(`wrote ${path}: ${setup.names.join(', ')} over ${prompts.length} prompts\n`);
}

/**
 * The command line that makes this table again, recorded in it as `made_by`: the shipped table's
 * npm script for a bare `--write-table`, else the flags that shape the table (not --cache-dir).
 */
function writeTableCommand(flags: CalibrateFlags): string {
  const parts: string[] = [];
  const add = (flag: string, ...values: (string | undefined)[]) => {
    if (values.length > 0 && values.every((value) => value !== undefined)) parts.push(flag, ...(values as string[]).map(shellWord));
  };
  if (flags.routers) add('--routers', ...flags.routers);
  add('--prompts', flags.prompts);
  add('--column', flags.column);
  add('--table', flags.table);
  add('--data', flags.data);
  add('--config', flags.config);
  return parts.length === 0 ? TABLE_COMMAND : ['routellm calibrate --write-table', ...parts].join(' ');
}

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function modelColumns() {
  return { strongModel: DEFAULT_MODEL_PAIR.strong, weakModel: DEFAULT_MODEL_PAIR.weak };
}
