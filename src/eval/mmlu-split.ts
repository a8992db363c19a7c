import { createHash } from 'node:crypto';

/** Which half of MMLU a prompt belongs to. */
export type MmluSplit = 'train' | 'eval';

/**
 * The one stable split of MMLU prompts shared by training and evaluation: the first byte
 * of sha1(prompt, UTF-8) even -> train, odd -> eval. A learned router may train only on
 * the train half; its reported MMLU numbers use the eval half (`routellm eval --split eval`).
 */
export function mmluSplitOf(prompt: string): MmluSplit {
  const firstByte = createHash('sha1').update(prompt, 'utf8').digest()[0] as number;
  return firstByte % 2 === 0 ? 'train' : 'eval';
}
