/**
 * An answered example inside a few-shot prompt: an `Answer:` line followed by its answer (on the
 * same line or the next) and a blank line. Benchmark harnesses (RouterBench, MMLU k-shot) prefix
 * the question with several such examples; the model is asked only about what follows the last.
 */
const ANSWERED_EXAMPLE = /\bAnswer:[ \t]*(?:\n[ \t]*)?[^\n]{1,200}\n[ \t]*\n/g;

/**
 * The part of a prompt that carries the task: after the last answered example of a few-shot
 * prompt, else the whole prompt. The examples are solved already; scored with them, every
 * question of a few-shot set looks alike (long, and about the examples' topics).
 */
export function focusText(prompt: string): { text: string; fewShot: boolean } {
  let end = -1;
  for (const match of prompt.matchAll(ANSWERED_EXAMPLE)) end = match.index + match[0].length;
  if (end <= 0) return { text: prompt, fewShot: false };
  const rest = prompt.slice(end);
  // A prompt that ends with an answered example has no open question left: score all of it.
  return rest.trim().length === 0 ? { text: prompt, fewShot: false } : { text: rest, fewShot: true };
}
