/** The two models a router chooses between. */
export interface ModelPair {
  readonly strong: string;
  readonly weak: string;
}

/** The models of the Python RouteLLM paper, used when no pair is given. */
export const DEFAULT_MODEL_PAIR: ModelPair = {
  strong: 'gpt-4-1106-preview',
  weak: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
};
