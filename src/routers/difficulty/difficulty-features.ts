import { focusText } from './focus-text.js';
import { contentCount, STRUCTURE_FEATURE_NAMES, structureFeatures } from './structure-features.js';

/** What the model reads of one prompt. */
export interface DifficultyInput {
  /** Structure features (STRUCTURE_FEATURE_NAMES order), then the focus text's embedding. */
  readonly features: Float32Array;
  /** Words and numbers in the focus text (see contentCount). */
  readonly content: number;
}

/**
 * The features of a prompt: the structure of its focus text (few-shot examples dropped) and the
 * mean-pooled use-static embedding of that text, one vector.
 */
export function difficultyInput(prompt: string, embed: (text: string) => Float32Array): DifficultyInput {
  const { text, fewShot } = focusText(prompt);
  const structure = structureFeatures(text, prompt, fewShot);
  const embedding = embed(text);
  const features = new Float32Array(structure.length + embedding.length);
  features.set(structure, 0);
  features.set(embedding, structure.length);
  return { features, content: contentCount(text) };
}

/** Number of structure features at the front of every input vector. */
export const STRUCTURE_DIM = STRUCTURE_FEATURE_NAMES.length;
