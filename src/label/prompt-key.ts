import { createHash } from 'node:crypto';

/**
 * The key a prompt is labelled under: the first 32 hex digits (128 bits) of the SHA-256 of its
 * UTF-8 text. A re-run skips prompts whose key is already in the output, so the same text in
 * another input file (or twice in one) is labelled once.
 */
export function promptKey(prompt: string): string {
  return createHash('sha256').update(prompt, 'utf8').digest('hex').slice(0, 32);
}
