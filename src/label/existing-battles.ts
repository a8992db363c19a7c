import type { LabelModels } from './label-cost-estimate.js';
import { promptKey } from './prompt-key.js';
import { readLabelJsonl } from './read-label-jsonl.js';

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
 * its `prompt`. A line that is not a JSON object with a string `prompt` is a usage error, and a
 * last line a crash cut short is not read (readLabelJsonl): its prompt is labelled again.
 */
export async function readExistingBattles(path: string, flag: string): Promise<ExistingBattles> {
  const keys = new Set<string>();
  let models: LabelModels | undefined;
  let lines = 0;
  const { tornBytes } = await readLabelJsonl(path, flag, 'a battle', (record) => {
    const id = record['prompt_id'];
    keys.add(typeof id === 'string' && id !== '' ? id : promptKey(record.prompt));
    models ??= modelsOf(record);
    lines += 1;
  });
  return { keys, lines, models, tornBytes };
}

function modelsOf(record: Record<string, unknown>): LabelModels | undefined {
  const strong = record['model_a'];
  const weak = record['model_b'];
  const judge = record['judge_model'];
  return typeof strong === 'string' && typeof weak === 'string' && typeof judge === 'string' ? { strong, weak, judge } : undefined;
}
