import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../core/index.js';
import { fsUsageError } from '../runtime/output-path.js';
import { readUtf8Lines } from '../runtime/read-utf8-lines.js';
import type { LabelModels } from './label-cost-estimate.js';
import { tornTailBytes } from './jsonl-append-file.js';
import { promptKey } from './prompt-key.js';

/** What an earlier run left in `--out`. */
export interface ExistingBattles {
  /** Keys of the prompts labelled already. */
  readonly keys: ReadonlySet<string>;
  /** Battle lines read. */
  readonly lines: number;
  /** The models of the first battle, which every later one must share. */
  readonly models: LabelModels | undefined;
  /** Bytes of a last line a crash cut in half (it is ignored here, and cut when the run opens the file). */
  readonly tornBytes: number;
}

/**
 * Reads the battles a previous run wrote to `path` (nothing when it does not exist), streamed,
 * so 50k lines never sit in memory as text. Each line's key is its `prompt_id`, else the hash of
 * its `prompt`. A line that is not a JSON object with a string `prompt` means the file is not
 * label's output: a usage error naming the line, rather than appending to someone else's data.
 */
export async function readExistingBattles(path: string, flag: string): Promise<ExistingBattles> {
  let size: number;
  let tornBytes: number;
  try {
    const handle = await open(path, 'r');
    try {
      size = (await handle.stat()).size;
      tornBytes = await tornTailBytes(handle, size);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { keys: new Set(), lines: 0, models: undefined, tornBytes: 0 };
    throw fsUsageError(error, 'read', `${flag} ${path}`);
  }
  const keys = new Set<string>();
  let models: LabelModels | undefined;
  let lines = 0;
  const take = ({ text, line }: { text: string; line: number }) => {
    if (text.trim() === '') return;
    let record: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) record = value as Record<string, unknown>;
    } catch {
      record = undefined;
    }
    if (!record || typeof record['prompt'] !== 'string') throw notLabelOutput(flag, path, line);
    const id = record['prompt_id'];
    keys.add(typeof id === 'string' && id !== '' ? id : promptKey(record['prompt']));
    models ??= modelsOf(record);
    lines += 1;
  };
  // A last line with no newline is a write a crash cut short (label writes whole lines),
  // whatever it parses as: it is not read, and the run that opens the file cuts it
  // (JsonlAppendFile), so its prompt is labelled again.
  const whole = size - tornBytes;
  if (whole > 0) {
    for await (const line of readUtf8Lines(createReadStream(path, { end: whole - 1 }), (n) => `${flag} ${path}: line ${n}`)) take(line);
  }
  return { keys, lines, models, tornBytes };
}

function modelsOf(record: Record<string, unknown>): LabelModels | undefined {
  const strong = record['model_a'];
  const weak = record['model_b'];
  const judge = record['judge_model'];
  return typeof strong === 'string' && typeof weak === 'string' && typeof judge === 'string' ? { strong, weak, judge } : undefined;
}

function notLabelOutput(flag: string, path: string, line: number): UsageError {
  return new UsageError(`${flag} ${path}: line ${line} is not a battle label writes (a JSON object with a "prompt"); give label an --out of its own`);
}
