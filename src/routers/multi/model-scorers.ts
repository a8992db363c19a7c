import { UsageError } from '../../core/index.js';
import type { ModelScorerFactory } from '../../core/index.js';

/** The routers over a list of models, by name; each loads only when asked for. */
const FACTORIES: Readonly<Record<string, { readonly description: string; readonly load: () => Promise<ModelScorerFactory> }>> = {
  knn: {
    description: "k nearest neighbours over use-static embeddings: each model's mean score on the most similar training prompts; offline",
    load: async () => (await import('./knn-scorer.js')).knnScorerFactory,
  },
  mf: {
    description: "matrix factorisation trained on each model's success (an embedding per model); offline with use-static weights",
    load: async () => (await import('./mf-scorer.js')).mfScorerFactory,
  },
};

/** The router `eval --models` uses when no --routers is given: the shipped one for RouterBench's 11 models. */
export const DEFAULT_MODEL_SCORER = 'knn';

/** Names of the routers over a list of models. */
export function modelScorerNames(): string[] {
  return Object.keys(FACTORIES);
}

/** Checks that `name` is a router over a list of models, else a usage error naming those there are (what serve says). */
export function checkModelScorerName(name: string): void {
  if (!Object.hasOwn(FACTORIES, name)) throw new UsageError(`"${name}" is not a router over a list of models; those are: ${modelScorerNames().join(', ')}`);
}

/** The factory of a router over a list of models, or a usage error naming those there are. */
export async function modelScorerFactory(name: string): Promise<ModelScorerFactory> {
  checkModelScorerName(name);
  return (FACTORIES[name] as (typeof FACTORIES)[string]).load();
}
