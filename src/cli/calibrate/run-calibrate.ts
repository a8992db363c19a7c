import { dirname, resolve } from 'node:path';
import { DEFAULT_MODEL_PAIR, UsageError, type Router, type RouterContext, type RouterOptions } from '../../core/index.js';
import { buildCalibrationTable, TABLE_COMMAND } from '../../calibrate/build-calibration-table.js';
import { findTableEntry, thresholdFromEntry } from '../../calibrate/calibration-table.js';
import { calibrationTablePaths, readShareTables, shippedTablePath, tablePathsSuffix } from '../../calibrate/load-calibration-table.js';
import { formatSharePercent, parseShare, pythonFloat, sharePercent } from '../../calibrate/parse-share.js';
import { publishedShareRates } from '../../calibrate/published-win-rates.js';
import { readPromptChunks } from '../../calibrate/read-prompt-file.js';
import { sharePromptCountCheck } from '../../calibrate/share-sample-size.js';
import { checkModelScorerName } from '../../routers/multi/model-scorers.js';
import { trafficMixPrompts } from '../../calibrate/traffic-mix.js';
import { thresholdForShare } from '../../calibrate/threshold-for-share.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { pairOverFileList } from '../../config/resolve-model-list.js';
import { resolveDataDir } from '../../eval/benchmarks/data-dir.js';
import { loadMmlu } from '../../eval/benchmarks/mmlu.js';
import { sortedAscending } from '../../eval/metrics/quantile.js';
import { hashSplitHalf } from '../../eval/choose-split.js';
import { CachedScorer, stoppingCleanly } from '../../eval/score-with-cache.js';
import { resolveCacheDir, WinRateCache } from '../../eval/win-rate-cache.js';
import { checkInputFile, checkOutputFile, fsUsageError, isFsError } from '../../runtime/output-path.js';
import { writeFileAtomic } from '../../runtime/write-file-atomic.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import { datasetsDir } from '../../runtime/package-paths.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import type { CalibrateFlags } from './calibrate-command.js';
import type { CliIo } from '../io.js';
import { sizeUnsizedTerminal, useColour } from '../terminal.js';

/** What we print for one router. */
interface Calibration {
  readonly router: string;
  readonly share: number;
  readonly threshold: number;
  readonly n: number;
}

/** Prompts to score, read as often as there are routers: a file streamed chunk by chunk, or a list in memory. */
interface PromptSource {
  /** How it is named in progress lines. */
  readonly label: string;
  /** How many prompts it holds (a file's were counted by a first pass that checked every row). */
  readonly count: number;
  chunks(): AsyncIterable<readonly string[]>;
}

/** Shared by every mode: the routers this run uses, their context and a way to score prompts with the cache. */
interface Setup {
  /** The routers named, else the default (or, for --write-table, every offline one); all registered. */
  readonly names: readonly string[];
  readonly context: RouterContext;
  /** The options a router runs with (its config section). */
  optionsOf(name: string): RouterOptions;
  build(name: string): Promise<Router>;
  /** Every prompt's win rate, in order; progress on stderr; known rates from the cache, new ones saved to it. */
  winRates(router: Router, source: PromptSource): Promise<Float64Array>;
  /** Stops the live progress display, if any. */
  close(): void;
}

/**
 * `--config` holding a `models:` list and no --models: the list is what serve and route use, so the
 * knob for the share over it is what to print (as `--models <the list>`), for the routers over a list
 * named by --routers (default knn; a pair router there is the one-line error serve gives), not a pair
 * router's threshold, which no request over that list can use. --write-table, --table and --task
 * generate keep their pair-router meaning.
 */
async function withConfigListModels(flags: CalibrateFlags, io: CliIo): Promise<CalibrateFlags> {
  if (flags.models !== undefined || flags.config === undefined || flags.writeTable || flags.table !== undefined || flags.task === 'generate') return flags;
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const list = config.models?.list;
  // As serve: ROUTELLM_STRONG_MODEL and ROUTELLM_WEAK_MODEL route a pair over the file's list (with a warning), one alone is refused.
  if (list === undefined || pairOverFileList({}, io.env, config.models ?? {}, `${config.path}: models`, (line) => io.stderr.write(`routellm: warning: ${line}\n`))) return flags;
  for (const router of flags.routers ?? []) checkModelScorerName(router);
  if (flags.prompts === undefined) {
    throw new UsageError(`${flags.config} holds a models: list: the knob for a cost share over it depends on the traffic, so give --prompts FILE (prompts like yours)`);
  }
  return { ...flags, models: list.map((entry) => entry.name).join(',') };
}

/** How often plain progress (not on a terminal, or under CI) says how far a long run is. */
const PLAIN_PROGRESS_EVERY_MS = 10_000;

/**
 * `routellm calibrate`: thresholds for a strong-call share, `--write-table`, or `--task generate`
 * (RouteLLM's: score the prompts and fill the win-rate cache, so later calibrations are instant).
 */
export async function runCalibrate(flags: CalibrateFlags, io: CliIo): Promise<void> {
  flags = await withConfigListModels(flags, io);
  if (flags.models !== undefined) {
    const { runCalibrateModels } = await import('./run-calibrate-models.js');
    await runCalibrateModels(flags, io);
    return;
  }
  // commander has checked it is one of the two.
  const task = flags.task ?? 'calibrate';
  rejectFlagsThatDoNotApply(flags, task === 'generate');
  const share = flags.writeTable || task === 'generate' ? undefined : requireShare(flags.strongModelPct);
  const column = flags.column ?? 'prompt';
  // Scoring may take minutes: an unreadable input or unwritable table is found out first.
  if (flags.prompts) await checkInputFile(resolve(io.cwd, flags.prompts), `--prompts ${flags.prompts}`);
  const setup = await prepare(flags, io);
  try {
    if (task === 'generate') {
      await generate(flags, column, io, setup);
      return;
    }
    if (flags.writeTable) {
      await writeTable(flags, column, io, setup);
      return;
    }
    const results = flags.prompts
      ? await fromPrompts(await promptsToCut(flags.prompts, column, share, io), share as number, setup)
      : await fromTables(flags.table === undefined ? undefined : resolve(io.cwd, flags.table), share as number, io, setup);
    for (const result of results) {
      io.stdout.write(
        flags.json
          ? // A percentage, as every *_pct field of calibrate and eval (the flag also takes a fraction, as the Python's).
            `${JSON.stringify({ router: result.router, strong_model_pct: sharePercent(result.share), threshold: result.threshold, n: result.n })}\n`
          : `For ${formatSharePercent(result.share)} strong model calls for ${result.router}, threshold = ${pythonFloat(Number(result.threshold.toFixed(5)))}\n`,
      );
    }
  } finally {
    setup.close();
  }
}

/** Flags that one mode takes and the other would silently ignore are usage errors. */
function rejectFlagsThatDoNotApply(flags: CalibrateFlags, generating: boolean): void {
  if (flags.column !== undefined && flags.prompts === undefined) {
    throw new UsageError('--column names the prompt column of --prompts FILE; without --prompts there is no file to read it from');
  }
  if (generating) {
    for (const [flag, given] of [['--strong-model-pct', flags.strongModelPct], ['--write-table', flags.writeTable], ['--table', flags.table], ['--json', flags.json]] as const) {
      if (given !== undefined) throw new UsageError(`--task generate only scores prompts into the win-rate cache and takes no ${flag}; run --task calibrate afterwards`);
    }
    if (flags.data !== undefined && flags.prompts !== undefined) {
      throw new UsageError('--data is where --task generate finds the MMLU prompts; with --prompts it reads your file instead, so drop one of them');
    }
    return;
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
      throw new UsageError('--data applies to --write-table and --task generate only (the MMLU prompts they score); for thresholds over your prompts use --prompts FILE');
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
  // The same live progress as eval: bars on a terminal, else a line every few seconds.
  const live = !flags.json && io.stderr.isTTY === true && !io.env['CI'];
  if (live) sizeUnsizedTerminal(io.stderr, io.env);
  const display = live ? await (await import('../../eval/progress/ink-progress.js')).inkProgress(io.stderr, useColour(io.stderr, io.env)) : undefined;
  return {
    names,
    context,
    optionsOf: (name) => config.routers[name] ?? {},
    build: async (name) => registry.get(name).create(config.routers[name] ?? {}, context),
    winRates: async (router, source) => {
      // random is noise by design: never cached.
      const cache = router.name === 'random' ? undefined : await WinRateCache.open(cacheDir, router.fingerprint, warn);
      const scorer = new CachedScorer(router, cache, { signal: io.signal });
      const started = performance.now();
      const bar = display?.router(router.name, 0, 1);
      bar?.started(source.count, 0);
      const plain = display ? undefined : plainLines(router.name, source, (line) => io.stderr.write(line));
      const rates = new Float64Array(source.count);
      let done = 0;
      await stoppingCleanly(io.signal, async () => {
        try {
          for await (const chunk of source.chunks()) {
            if (done + chunk.length > rates.length) throw new UsageError(`${source.label} changed while it was read; run calibrate again`);
            rates.set(await scorer.score(chunk), done);
            done += chunk.length;
            bar?.advanced(done, source.count);
            plain?.advanced(done);
          }
        } finally {
          await scorer.close();
        }
      });
      if (done !== rates.length) throw new UsageError(`${source.label} changed while it was read; run calibrate again`);
      const seconds = (performance.now() - started) / 1000;
      display?.routerDone(router.name, seconds);
      plain?.done(scorer, seconds);
      return rates;
    },
    close: () => display?.close(),
  };
}

/**
 * Progress as plain lines (logs, pipes, CI): one when a router starts, one every 10 s of a long
 * run, and one when it is done with how many came from the cache.
 */
function plainLines(name: string, source: PromptSource, write: (line: string) => void) {
  write(`${name}: scoring ${source.count} prompts of ${source.label}\n`);
  const started = Date.now();
  let said = started;
  return {
    advanced(done: number) {
      const now = Date.now();
      if (now - said < PLAIN_PROGRESS_EVERY_MS || done >= source.count) return;
      said = now;
      write(`${name}: ${done} of ${source.count} prompts (${Math.floor((done / source.count) * 100)}%), ${Math.round(done / ((now - started) / 1000))} prompts/s\n`);
    },
    done(scorer: CachedScorer, seconds: number) {
      write(`${name}: done in ${seconds.toFixed(2)} s, ${scorer.scored} scored, ${scorer.fromCache} from the cache\n`);
    },
  };
}

/**
 * A prompt file as a source: a first pass reads every row (so a malformed line stops the run
 * before minutes of scoring, and the count is known for progress), then each router streams it
 * again. Memory holds one chunk of prompts, never the file.
 */
async function fileSource(path: string, label: string, column: string): Promise<PromptSource> {
  let count = 0;
  try {
    for await (const chunk of readPromptChunks(path, column)) count += chunk.prompts.length;
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'read', `--prompts ${path}`);
    throw error;
  }
  if (count === 0) throw new UsageError(`no prompts in ${path}`);
  return {
    label,
    count,
    chunks: async function* () {
      for await (const chunk of readPromptChunks(path, column, { utf8Checked: true })) yield chunk.prompts;
    },
  };
}

/**
 * `--prompts` as the source a share (or a table of them) is cut on: refused below eval's minimum,
 * and one warning line when a share cut on so few is still noisy (see sharePromptCountCheck).
 */
async function promptsToCut(prompts: string, column: string, share: number | undefined, io: CliIo): Promise<PromptSource> {
  const source = await fileSource(resolve(io.cwd, prompts), prompts, column);
  const warning = sharePromptCountCheck(source.count, `--prompts ${prompts}`, share);
  if (warning !== undefined) io.stderr.write(`routellm: warning: ${warning}\n`);
  return source;
}

/** Prompts already in memory (the MMLU train half) as a source. */
function listSource(label: string, prompts: readonly string[]): PromptSource {
  return {
    label,
    count: prompts.length,
    chunks: async function* () {
      for (let start = 0; start < prompts.length; start += 4096) yield prompts.slice(start, start + 4096);
    },
  };
}

async function fromPrompts(source: PromptSource, share: number, setup: Setup): Promise<Calibration[]> {
  const routers = await buildAll(setup);
  const results: Calibration[] = [];
  for (const router of routers) {
    const rates = await setup.winRates(router, source);
    results.push({ router: router.name, share, threshold: thresholdForShare(sortedAscending(rates), share), n: source.count });
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
    // RouteLLM's own checkpoints (config.example.yaml): its calibrate --task calibrate reads the
    // win rates it published for them; so does this one.
    const rates = 'problem' in found ? await publishedShareRates(router.name, setup.optionsOf(router.name), setup.context) : undefined;
    if (rates !== undefined) {
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

/** The prompts a mode without --prompts scores: the shipped table's traffic mix (src/calibrate/traffic-mix.ts). */
async function shippedMix(flags: CalibrateFlags, io: CliIo): Promise<{ source: PromptSource; description: string }> {
  const dataDir = resolveDataDir(flags.data, io.env, io.cwd);
  const mmlu = hashSplitHalf(await loadMmlu({ dataDir, ...modelColumns() }), 'train');
  // The other kinds of traffic sit beside routellm/ in the shared datasets.
  const { prompts, source } = await trafficMixPrompts(dirname(dataDir), mmlu.prompts);
  return { source: listSource('the traffic mix', prompts), description: source };
}

/** `--task generate`: every router's win rates over the prompts, into the cache; nothing printed on stdout. */
async function generate(flags: CalibrateFlags, column: string, io: CliIo, setup: Setup): Promise<void> {
  const source = flags.prompts ? await fileSource(resolve(io.cwd, flags.prompts), flags.prompts, column) : (await shippedMix(flags, io)).source;
  for (const router of await buildAll(setup)) {
    await setup.winRates(router, source);
    io.stderr.write(
      router.name === 'random'
        ? `random: not cached (its win rates are noise by design)\n`
        : `${router.name}: win rates of the ${source.count} prompts of ${source.label} are in the cache; calibrate --prompts on them is now instant\n`,
    );
  }
}

async function writeTable(flags: CalibrateFlags, column: string, io: CliIo, setup: Setup): Promise<void> {
  const path = flags.table ? resolve(io.cwd, flags.table) : shippedTablePath(datasetsDir());
  await checkOutputFile(path, flags.table ? '--table' : 'the shipped table');
  const mix = flags.prompts ? undefined : await shippedMix(flags, io);
  const source = mix?.source ?? (await promptsToCut(flags.prompts!, column, undefined, io));
  const description = mix?.description ?? `prompts of ${flags.prompts}`;
  const routers = await buildAll(setup);
  const rates: { router: Router; rates: Float64Array }[] = [];
  for (const router of routers) rates.push({ router, rates: await setup.winRates(router, source) });
  const table = buildCalibrationTable({ source: description, n: source.count, rates, madeBy: writeTableCommand(flags) });
  try {
    await writeFileAtomic(path, `${JSON.stringify(table)}\n`);
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'write', flags.table ? `--table ${path}` : path);
    throw error;
  }
  io.stderr.write(`wrote ${path}: ${setup.names.join(', ')} over ${source.count} prompts\n`);
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
