import { writeFileAtomic } from '../runtime/write-file-atomic.js';
import type { LabelModels } from './label-cost-estimate.js';
import type { FailureRecord, PaidAnswer } from './label-records.js';
import type { ModelAnswer } from './model-answer.js';
import { promptKey } from './prompt-key.js';
import { readLabelJsonl } from './read-label-jsonl.js';

/** What an earlier run left in `--failed`. */
export interface FailedPrompts {
  /** The last line of each prompt (by its key): a re-run's line replaces an earlier run's. */
  readonly records: Map<string, FailureRecord>;
  /** Lines read: more than `records.size` when runs appended lines for the same prompt. */
  readonly lines: number;
  readonly tornBytes: number;
}

/**
 * Reads `--failed` (nothing when it does not exist), keeping the last line of each prompt.
 * A line that is not a JSON object with a string `prompt` is a usage error (readLabelJsonl).
 */
export async function readFailedPrompts(path: string, flag: string): Promise<FailedPrompts> {
  const records = new Map<string, FailureRecord>();
  let lines = 0;
  const { tornBytes } = await readLabelJsonl(path, flag, 'a failed prompt', (record) => {
    const id = record['prompt_id'];
    const key = typeof id === 'string' && id !== '' ? id : promptKey(record.prompt);
    // Re-inserted, so the map's order is the order of each prompt's last line.
    records.delete(key);
    records.set(key, record as unknown as FailureRecord);
    lines += 1;
  });
  return { records, lines, tornBytes };
}

/**
 * The answers of `record` a run may reuse: only for the same strong and weak models and the same
 * --max-tokens (an answer cut at another length is another answer); undefined when none.
 */
export function reusableAnswers(record: FailureRecord | undefined, models: LabelModels, maxTokens: number | undefined): { strong?: ModelAnswer; weak?: ModelAnswer } | undefined {
  const paid = record?.paid_answers;
  if (!paid || record.strong_model !== models.strong || record.weak_model !== models.weak || paid.max_tokens !== (maxTokens ?? null)) return undefined;
  const answer = (saved: PaidAnswer | undefined): ModelAnswer | undefined =>
    saved && typeof saved.content === 'string'
      ? { content: saved.content, usage: saved.usage ? { inputTokens: saved.usage.input_tokens, outputTokens: saved.usage.output_tokens } : undefined }
      : undefined;
  const strong = answer(paid.strong);
  const weak = answer(paid.weak);
  if (!strong && !weak) return undefined;
  return { ...(strong ? { strong } : {}), ...(weak ? { weak } : {}) };
}

/** Rewrites `--failed` with one line per record, atomically (a crash leaves the old file or the new). */
export async function writeFailedPrompts(path: string, records: Iterable<FailureRecord>): Promise<void> {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  await writeFileAtomic(path, text);
}
