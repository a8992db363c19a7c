import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../core/index.js';
import { byteCount } from '../../config/config-sections.js';
import type { RoutellmConfig } from '../../config/load-config.js';

/** Default `--sample-rate`: 1% of routed requests. */
export const DEFAULT_SAMPLE_RATE = 0.01;
/** Default `--sample-max-size`: the file is rotated past 100 MiB. */
export const DEFAULT_SAMPLE_MAX_BYTES = 100 * 1024 * 1024;

/** The prompt sample as serve's flags ask for it. */
export interface SampleSettings {
  /** `--sample-prompts FILE`: append a share of routed prompts to FILE (off when absent). */
  readonly samplePrompts?: string | undefined;
  /** `--sample-rate R`: the share kept, in [0, 1] (default 0.01). */
  readonly sampleRate?: number | undefined;
  /** `--sample-fields a,b`: request body fields kept with each prompt (none by default). */
  readonly sampleFields?: readonly string[] | undefined;
  /** `--sample-max-size SIZE`: rotate the file past this size (default 100m). */
  readonly sampleMaxSize?: string | undefined;
}

/** The prompt sample, resolved once at start-up: flag, then the config file's `server:`, then default. */
export interface SampleOptions {
  /** Absolute path of the sample file. */
  readonly path: string;
  readonly rate: number;
  readonly fields: readonly string[];
  readonly maxBytes: number;
}

/**
 * Resolves the prompt sample: undefined (off, the default) unless `--sample-prompts` or the config
 * file's `server.sample_prompts` names a file (a relative path in the file is the file's). A rate
 * outside [0, 1], a bad size, or a sample setting without a file is a UsageError (exit 2).
 */
export function resolveSampleOptions(flags: SampleSettings, config: Pick<RoutellmConfig, 'server' | 'path'>, cwd: string): SampleOptions | undefined {
  const file = config.server ?? {};
  const rate = flags.sampleRate ?? file.sampleRate;
  if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0 && rate <= 1)) throw new UsageError(`--sample-rate: ${rate} is not a share from 0 to 1 (e.g. 0.01 for 1%)`);
  let maxBytes = file.sampleMaxBytes;
  if (flags.sampleMaxSize !== undefined) {
    maxBytes = byteCount(flags.sampleMaxSize);
    if (maxBytes === undefined) throw new UsageError(`--sample-max-size: "${flags.sampleMaxSize}" is not a size; give bytes, e.g. 104857600, 500m or 1g`);
  }
  const fields = (flags.sampleFields ?? file.sampleFields ?? []).flatMap((field) => field.split(',')).map((field) => field.trim()).filter((field) => field !== '');
  const given = flags.samplePrompts ?? file.samplePrompts;
  if (given === undefined) {
    const stray = flags.sampleRate !== undefined ? '--sample-rate' : flags.sampleFields !== undefined ? '--sample-fields' : flags.sampleMaxSize !== undefined ? '--sample-max-size' : undefined;
    if (stray) throw new UsageError(`${stray} needs --sample-prompts FILE (the file the sampled prompts go to)`);
    return undefined;
  }
  const base = flags.samplePrompts === undefined && config.path !== undefined ? dirname(resolve(cwd, config.path)) : cwd;
  const path = isAbsolute(given) ? given : resolve(base, given);
  return { path, rate: rate ?? DEFAULT_SAMPLE_RATE, fields, maxBytes: maxBytes ?? DEFAULT_SAMPLE_MAX_BYTES };
}
