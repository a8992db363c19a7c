import { Option } from 'commander';
import { DEFAULT_MODEL_PAIR, type ModelPair } from '../core/index.js';

/** Options every routing command shares, declared once so help and parsing agree. */
export function modelPairOptions(): Option[] {
  return [
    new Option('--strong-model <model>', 'model for prompts the router sends to the strong side (env ROUTELLM_STRONG_MODEL)'),
    new Option('--weak-model <model>', 'model for prompts the router sends to the weak side (env ROUTELLM_WEAK_MODEL)'),
    new Option('--config <file>', 'YAML config: router name -> options (RouteLLM config.example.yaml shape)'),
  ];
}

/** Resolves the model pair: flag, then environment, then the RouteLLM paper's pair. */
export function resolveModelPair(
  flags: { strongModel?: string; weakModel?: string },
  env: Readonly<Record<string, string | undefined>>,
): ModelPair {
  return {
    strong: flags.strongModel ?? nonEmpty(env['ROUTELLM_STRONG_MODEL']) ?? DEFAULT_MODEL_PAIR.strong,
    weak: flags.weakModel ?? nonEmpty(env['ROUTELLM_WEAK_MODEL']) ?? DEFAULT_MODEL_PAIR.weak,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
