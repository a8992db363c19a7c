import { basename } from 'node:path';
import { UsageError } from '../../core/index.js';
import type { TrainFlags } from './train-command.js';
import type { CliIo } from '../io.js';
import { DEFAULT_MF_TRAIN_OPTIONS, type MfTrainOptions } from '../../train/train-mf.js';
import { DEFAULT_LEXICAL_TRAIN_OPTIONS, type LexicalTrainOptions } from '../../train/train-lexical.js';
import { DEFAULT_KNN_TRAIN_OPTIONS, type KnnTrainOptions } from '../../train/train-knn.js';
import { foldFileList } from '../../train/model-card.js';
import type { TieRule } from '../../train/battle.js';
import { runTrain } from '../../train/run-train.js';

/** What a numeric flag must be, in words for its error line. */
interface NumberRule {
  readonly test: (n: number) => boolean;
  readonly says: string;
}

const POSITIVE_INTEGER: NumberRule = { test: (n) => Number.isInteger(n) && n > 0, says: 'a positive integer' };
const POSITIVE: NumberRule = { test: (n) => n > 0, says: 'a number above 0' };
const NON_NEGATIVE: NumberRule = { test: (n) => n >= 0, says: 'a number >= 0' };
const INTEGER: NumberRule = { test: Number.isInteger, says: 'an integer' };
const SHARE: NumberRule = { test: (n) => n > 0 && n < 1, says: 'a share strictly between 0 and 1, like 0.1' };
/** The lexical features mask a hash with `buckets - 1`; 2^24 float32 weights and idf are 128 MB. */
const MAX_BUCKETS = 2 ** 24;
const BUCKETS: NumberRule = {
  test: (n) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0 && n <= MAX_BUCKETS,
  says: `a power of two from 2 to ${MAX_BUCKETS} (2^24)`,
};

function number(value: string | undefined, flag: string, rule: NumberRule, fallback: number): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || !rule.test(n)) throw new UsageError(`${flag} must be ${rule.says}, got ${JSON.stringify(value)}`);
  return n;
}

/** The embedders `train` can use; `openai` may carry a model and size, `openai:<model>:<dim>`. */
const EMBEDDERS = ['use-static', 'local', 'openai'] as const;
const DEFAULT_EMBEDDER = 'use-static';

/**
 * Checks --embedder before any data is read: a known kind, and for OpenAI's own endpoint a key
 * in the one place train reads it from (the environment; train has no --config).
 */
function checkEmbedder(spec: string, env: Readonly<Record<string, string | undefined>>): void {
  const kind = spec.split(':')[0];
  if (!(EMBEDDERS as readonly string[]).includes(kind ?? '') || (kind !== 'openai' && spec.includes(':'))) {
    throw new UsageError(`--embedder must be ${EMBEDDERS.join(', ')} (or openai:<model>:<dim>), got ${JSON.stringify(spec)}`);
  }
  if (kind === 'openai' && !env['OPENAI_API_KEY'] && !env['OPENAI_BASE_URL']) {
    throw new UsageError('--embedder openai needs an API key: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)');
  }
}

/** Flags one kind of router takes and the others would silently ignore: usage errors, with the reason. */
function rejectFlagsThatDoNotApply(flags: TrainFlags): void {
  const mfOnly = [['--dim', flags.dim], ['--epochs', flags.epochs], ['--lr', flags.lr], ['--weight-decay', flags.weightDecay], ['--batch-size', flags.batchSize], ['--noise', flags.noise]] as const;
  const lexicalOnly = [['--buckets', flags.buckets], ['--l2', flags.l2], ['--align-to', flags.alignTo]] as const;
  const why: Record<string, string> = {
    knn: 'knn keeps its training prompts and averages their neighbours (see --neighbours)',
    sw_ranking: 'sw_ranking has no trained parameters (it re-weights the battles per prompt)',
    lexical: 'lexical is a logistic regression fitted by L-BFGS to convergence (see --l2, --buckets)',
    mf: 'mf is trained by Adam over embeddings',
    difficulty: 'difficulty is fitted by L-BFGS with the hyper-parameters its research chose (datasets/README.md)',
  };
  if (flags.router !== 'mf') {
    for (const [flag, value] of mfOnly) if (value !== undefined) throw new UsageError(`${flag} applies to --router mf only: ${why[flags.router]}`);
  }
  if (flags.router !== 'lexical') {
    for (const [flag, value] of lexicalOnly) if (value !== undefined) throw new UsageError(`${flag} applies to --router lexical only: ${why[flags.router]}`);
  }
  if ((flags.router === 'lexical' || flags.router === 'difficulty' || flags.router === 'knn') && flags.embedder !== undefined) {
    const reason: Record<string, string> = {
      lexical: 'it reads hashed word n-grams, not embeddings',
      difficulty: 'its features are fixed (structure + use-static)',
      knn: 'it embeds with use-static, the offline embedder its shipped weights use',
    };
    throw new UsageError(`--embedder does not apply to --router ${flags.router}: ${reason[flags.router]}`);
  }
  if (flags.router !== 'knn' && flags.neighbours !== undefined) throw new UsageError(`--neighbours applies to --router knn only: ${why[flags.router]}`);
  if (flags.router !== 'mf' && flags.target !== undefined) throw new UsageError(`--target applies to --router mf only: ${flags.router === 'knn' ? 'knn always learns each model\'s score' : why[flags.router]}`);
  const list = flags.router === 'knn' || flags.target === 'success';
  if (list) {
    // A router over a list of models routes the whole list: a pair, ties or spellings mean nothing to it.
    const pairOnly = [['--strong-model', flags.strongModel], ['--weak-model', flags.weakModel], ['--alias', flags.alias]] as const;
    for (const [flag, value] of pairOnly) {
      if (value !== undefined) throw new UsageError(`${flag} does not apply to ${routerFlags(flags)}: it routes the --models list (cheapest to strongest; the last is the reference) and reads their columns as named`);
    }
    if (flags.ties !== 'half') throw new UsageError(`--ties does not apply to ${routerFlags(flags)}: it learns each model's score, not battles between two`);
    if (flags.split === 'random') throw new UsageError(`--split random does not apply to ${routerFlags(flags)}: use sha1 (the split eval knows) or none`);
    if (flags.models === undefined) throw new UsageError(`${routerFlags(flags)} routes a list of models: name them, cheapest to strongest, with --models a,b,c`);
  }
  if (flags.holdout !== undefined && flags.split !== 'random') {
    throw new UsageError(`--holdout is the held-out share of --split random; --split ${flags.split} decides the held-out prompts itself`);
  }
}

/** The router flags as given, for error lines. */
function routerFlags(flags: TrainFlags): string {
  return flags.target === undefined ? `--router ${flags.router}` : `--router ${flags.router} --target ${flags.target}`;
}

/** Validates `routellm train` flags (all of them before any data is read) and runs training. */
export async function trainFromFlags(flags: TrainFlags, io: CliIo): Promise<void> {
  rejectFlagsThatDoNotApply(flags);
  const embedder = flags.embedder ?? DEFAULT_EMBEDDER;
  if (flags.router !== 'lexical' && flags.router !== 'difficulty') checkEmbedder(embedder, io.env);
  const aliases = new Map<string, string>();
  for (const pair of flags.alias ?? []) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--alias expects from=to, got ${JSON.stringify(pair)}`);
    aliases.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const d = DEFAULT_MF_TRAIN_OPTIONS;
  const hyper: MfTrainOptions = {
    dim: number(flags.dim, '--dim', POSITIVE_INTEGER, d.dim),
    epochs: number(flags.epochs, '--epochs', POSITIVE_INTEGER, d.epochs),
    learningRate: number(flags.lr, '--lr', POSITIVE, d.learningRate),
    weightDecay: number(flags.weightDecay, '--weight-decay', NON_NEGATIVE, d.weightDecay),
    batchSize: number(flags.batchSize, '--batch-size', POSITIVE_INTEGER, d.batchSize),
    noise: number(flags.noise, '--noise', NON_NEGATIVE, d.noise),
    seed: number(flags.seed, '--seed', INTEGER, d.seed),
  };
  const l = DEFAULT_LEXICAL_TRAIN_OPTIONS;
  const lexical: LexicalTrainOptions = {
    buckets: number(flags.buckets, '--buckets', BUCKETS, l.buckets),
    l2: number(flags.l2, '--l2', NON_NEGATIVE, l.l2),
    maxIterations: l.maxIterations,
  };
  const holdout = number(flags.holdout, '--holdout', SHARE, 0.1);
  const k = DEFAULT_KNN_TRAIN_OPTIONS;
  const knn: KnnTrainOptions = { neighbours: number(flags.neighbours, '--neighbours', POSITIVE_INTEGER, k.neighbours), priorWeight: k.priorWeight };
  if (flags.alignTo !== undefined) {
    const { createBuiltinRegistry } = await import('../../routers/builtin-registry.js');
    const registry = createBuiltinRegistry();
    if (!registry.has(flags.alignTo)) throw new UsageError(`--align-to: unknown router "${flags.alignTo}"; available: ${registry.names().join(', ')}`);
  }
  const models = flags.models?.split(',').map((m) => m.trim()).filter(Boolean);
  const skipped = flags.skipFile ?? [];
  await runTrain(
    {
      router: flags.router as 'mf' | 'sw_ranking' | 'lexical' | 'difficulty' | 'knn',
      data: keptDataFiles(flags.data, skipped),
      out: flags.out,
      ...(flags.force === true ? { force: true } : {}),
      exclude: flags.exclude ?? [],
      skipped,
      aliases,
      ...(models ? { models } : {}),
      embedder,
      split: flags.split as 'sha1' | 'random' | 'none',
      holdout,
      ...(flags.strongModel !== undefined ? { strongModel: flags.strongModel } : {}),
      ...(flags.weakModel !== undefined ? { weakModel: flags.weakModel } : {}),
      hyper,
      lexical,
      knn,
      ...(flags.target !== undefined ? { target: flags.target as 'battles' | 'success' } : {}),
      ...(flags.alignTo !== undefined ? { alignTo: flags.alignTo } : {}),
      ties: flags.ties as TieRule,
      command: commandLine(flags),
    },
    io,
  );
}

/** The --data files minus those --skip-file names; a name that matches no file is a typo, not a no-op. */
function keptDataFiles(data: readonly string[], skipped: readonly string[]): string[] {
  const name = (path: string) => basename(path);
  for (const skip of skipped) {
    if (!data.some((file) => name(file) === skip)) throw new UsageError(`--skip-file ${skip} matches none of the --data files (give a file name, not a path)`);
  }
  const kept = data.filter((file) => !skipped.includes(name(file)));
  if (kept.length === 0) throw new UsageError('--skip-file leaves no --data files');
  return kept;
}

/** The flags as one command line, for the model card (paths as given, so it reads the same on any machine). */
function commandLine(flags: TrainFlags): string {
  const parts = ['routellm train', `--router ${flags.router}`, `--data ${foldFileList(flags.data).map((f) => f.replace(/ \(\d+ files\)$/, '')).join(' ')}`];
  if (flags.exclude?.length) parts.push(`--exclude ${flags.exclude.join(' ')}`);
  if (flags.skipFile?.length) parts.push(`--skip-file ${flags.skipFile.join(' ')}`);
  for (const alias of flags.alias ?? []) parts.push(`--alias ${alias}`);
  if (flags.target !== undefined) parts.push(`--target ${flags.target}`);
  if (flags.models) parts.push(`--models ${flags.models}`);
  // lexical and knn have no embedder choice and no randomness: their cards should not claim either.
  if (flags.router !== 'lexical' && flags.router !== 'knn') parts.push(`--embedder ${flags.embedder ?? DEFAULT_EMBEDDER}`);
  parts.push(`--split ${flags.split}`);
  if (flags.holdout !== undefined) parts.push(`--holdout ${flags.holdout}`);
  if (flags.router !== 'knn' && flags.target !== 'success') parts.push(`--ties ${flags.ties}`);
  // Left out when not given: the same data names the same pair again.
  if (flags.strongModel !== undefined) parts.push(`--strong-model ${flags.strongModel}`);
  if (flags.weakModel !== undefined) parts.push(`--weak-model ${flags.weakModel}`);
  if (flags.router !== 'lexical' && flags.router !== 'knn') parts.push(`--seed ${flags.seed}`);
  for (const [flag, value] of [['--neighbours', flags.neighbours], ['--dim', flags.dim], ['--epochs', flags.epochs], ['--lr', flags.lr], ['--weight-decay', flags.weightDecay], ['--batch-size', flags.batchSize], ['--noise', flags.noise], ['--buckets', flags.buckets], ['--l2', flags.l2], ['--align-to', flags.alignTo]] as const) {
    if (value !== undefined) parts.push(`${flag} ${value}`);
  }
  parts.push(`--out ${flags.out}`);
  return parts.join(' ');
}
