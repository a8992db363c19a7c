import { basename } from 'node:path';
import { UsageError } from '../core/index.js';
import type { TrainFlags } from '../cli/commands/train.js';
import type { CliIo } from '../cli/io.js';
import { DEFAULT_MF_TRAIN_OPTIONS, type MfTrainOptions } from './train-mf.js';
import { DEFAULT_LEXICAL_TRAIN_OPTIONS, type LexicalTrainOptions } from './train-lexical.js';
import { foldFileList } from './model-card.js';
import type { TieRule } from './battle.js';
import { runTrain } from './run-train.js';

function number(value: string | undefined, flag: string, check: (n: number) => boolean, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`${flag} got ${JSON.stringify(value)}; see routellm train --help`);
  return n;
}

/** Validates `routellm train` flags and runs training. */
export async function trainFromFlags(flags: TrainFlags, io: CliIo): Promise<void> {
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const aliases = new Map<string, string>();
  for (const pair of flags.alias ?? []) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--alias expects from=to, got ${JSON.stringify(pair)}`);
    aliases.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const d = DEFAULT_MF_TRAIN_OPTIONS;
  const hyper: MfTrainOptions = {
    dim: number(flags.dim, '--dim', positiveInt, d.dim),
    epochs: number(flags.epochs, '--epochs', positiveInt, d.epochs),
    learningRate: number(flags.lr, '--lr', (n) => n > 0, d.learningRate),
    weightDecay: number(flags.weightDecay, '--weight-decay', (n) => n >= 0, d.weightDecay),
    batchSize: number(flags.batchSize, '--batch-size', positiveInt, d.batchSize),
    noise: number(flags.noise, '--noise', (n) => n >= 0, d.noise),
    seed: number(flags.seed, '--seed', Number.isInteger, d.seed),
  };
  const l = DEFAULT_LEXICAL_TRAIN_OPTIONS;
  const lexical: LexicalTrainOptions = {
    buckets: number(flags.buckets, '--buckets', (n) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0 && n <= 2 ** 24, l.buckets),
    l2: number(flags.l2, '--l2', (n) => n >= 0, l.l2),
    maxIterations: l.maxIterations,
  };
  if (flags.alignTo !== undefined && flags.router !== 'lexical') throw new UsageError('--align-to applies to --router lexical only');
  const models = flags.models?.split(',').map((m) => m.trim()).filter(Boolean);
  const skipped = flags.skipFile ?? [];
  await runTrain(
    {
      router: flags.router as 'mf' | 'sw_ranking' | 'lexical',
      data: keptDataFiles(flags.data, skipped),
      out: flags.out,
      exclude: flags.exclude ?? [],
      skipped,
      aliases,
      ...(models ? { models } : {}),
      embedder: flags.embedder,
      split: flags.split as 'sha1' | 'random' | 'none',
      holdout: number(flags.holdout, '--holdout', (n) => n > 0 && n < 1, 0.1),
      strongModel: flags.strongModel,
      weakModel: flags.weakModel,
      hyper,
      lexical,
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
  if (flags.models) parts.push(`--models ${flags.models}`);
  // lexical has no embedder and no randomness: its card should not claim either.
  if (flags.router !== 'lexical') parts.push(`--embedder ${flags.embedder}`);
  parts.push(`--split ${flags.split}`, `--ties ${flags.ties}`, `--strong-model ${flags.strongModel}`, `--weak-model ${flags.weakModel}`);
  if (flags.router !== 'lexical') parts.push(`--seed ${flags.seed}`);
  for (const [flag, value] of [['--dim', flags.dim], ['--epochs', flags.epochs], ['--lr', flags.lr], ['--weight-decay', flags.weightDecay], ['--batch-size', flags.batchSize], ['--noise', flags.noise], ['--buckets', flags.buckets], ['--l2', flags.l2], ['--align-to', flags.alignTo]] as const) {
    if (value !== undefined) parts.push(`${flag} ${value}`);
  }
  parts.push(`--out ${flags.out}`);
  return parts.join(' ');
}
