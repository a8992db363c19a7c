import { dirname, join } from 'node:path';
import type { RouterContext } from '../core/index.js';
import { MODEL_CARD_FILE, parseTrainedPrompts, unionTrainedPrompts, type TrainedPrompts } from './trained-prompts.js';

/** How many of `prompts` trained the router (0 when its weights declare nothing). */
export function inSampleCount(trainedOn: TrainedPrompts | undefined, prompts: readonly string[]): number {
  if (!trainedOn) return 0;
  let count = 0;
  for (const prompt of prompts) if (trainedOn.has(prompt)) count += 1;
  return count;
}

/** A RouterContext that remembers what a router read while it was built; see declaredTraining. */
export interface TrainingAwareContext {
  readonly context: RouterContext;
  /** What the model cards beside the files read declare the router was trained on; undefined when none does. */
  trainedPrompts(): Promise<TrainedPrompts | undefined>;
}

/**
 * Wraps a RouterContext to find out what a router was trained on without asking the router: the
 * model card beside each file it reads through the context (MODEL_CARD.md, which `routellm train`
 * writes with the weights) declares the prompts that trained them. So every router that loads
 * its weights through the context gets an honest eval with no code of its own, and one made of
 * several trained parts (hybrid) declares the union of theirs.
 */
export function declaredTraining(context: RouterContext): TrainingAwareContext {
  const read = new Set<string>();
  return {
    context: {
      ...context,
      readFile: (path) => {
        read.add(path);
        return context.readFile(path);
      },
    },
    async trainedPrompts() {
      const declared: TrainedPrompts[] = [];
      for (const directory of new Set([...read].map((path) => dirname(path)))) {
        let card: Uint8Array;
        try {
          card = await context.readFile(join(directory, MODEL_CARD_FILE));
        } catch {
          continue; // no card beside these files: nothing declared
        }
        const prompts = parseTrainedPrompts(new TextDecoder().decode(card));
        if (prompts) declared.push(prompts);
      }
      return unionTrainedPrompts(declared);
    },
  };
}
