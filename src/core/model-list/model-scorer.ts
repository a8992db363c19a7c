import type { RouterContext, RouterOptions } from '../registry.js';

/**
 * A router over any number of models: for a prompt, each model's predicted quality, the
 * probability that it answers well (for correctness data, that it answers correctly). The
 * decision rule (choose-model.ts) turns these and the models' expected costs into one model.
 *
 * Part of the routing over a list of models that issue 15 adds; the two-model `Router` (strong
 * win rate) stays as it is.
 */
export interface ModelScorer {
  /** Registry name, e.g. `knn`. */
  readonly name: string;
  /** Identifies the weights and options, for caches of scores. */
  readonly fingerprint: string;
  /** The models scored, in the order of every score vector. */
  readonly models: readonly string[];
  /** Predicted quality of each model on the prompt, in `models` order, each in [0, 1]. */
  scores(prompt: string): Float64Array | Promise<Float64Array>;
  /** Each model's mean cost per prompt in USD on the training data, when the weights record it. */
  readonly meanCostUsd?: readonly number[];
}

/** Builds a ModelScorer by name from its options (a config file's section) and the outside world. */
export interface ModelScorerFactory {
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  create(options: RouterOptions, context: RouterContext): Promise<ModelScorer>;
}
