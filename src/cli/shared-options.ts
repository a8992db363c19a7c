import { Option } from 'commander';
import { DEFAULT_MODEL_PAIR, UsageError, type ModelPair } from '../core/index.js';

/** Options every routing command shares, declared once so help and parsing agree. */
export function modelPairOptions(): Option[] {
  return [
    new Option('--strong-model <model>', `model for prompts the router sends to the strong side (env ROUTELLM_STRONG_MODEL; default ${DEFAULT_MODEL_PAIR.strong})`),
    new Option('--weak-model <model>', `model for prompts the router sends to the weak side (env ROUTELLM_WEAK_MODEL; default ${DEFAULT_MODEL_PAIR.weak})`),
    new Option('--config <file>', 'YAML config: router name -> options (RouteLLM config.example.yaml shape)'),
  ];
}

/**
 * Resolves the model pair, once for every command: flag, then environment
 * (`ROUTELLM_STRONG_MODEL`/`ROUTELLM_WEAK_MODEL`, empty means unset), then the config file's
 * `models:` section, then the RouteLLM paper's pair. An empty flag is a usage error: it would
 * otherwise quietly fall through to the default model.
 */
export function resolveModelPair(
  flags: { strongModel?: string; weakModel?: string },
  env: Readonly<Record<string, string | undefined>>,
  file: { readonly strong?: string; readonly weak?: string } = {},
): ModelPair {
  return {
    strong: flagModel('--strong-model', flags.strongModel) ?? nonEmpty(env['ROUTELLM_STRONG_MODEL']) ?? file.strong ?? DEFAULT_MODEL_PAIR.strong,
    weak: flagModel('--weak-model', flags.weakModel) ?? nonEmpty(env['ROUTELLM_WEAK_MODEL']) ?? file.weak ?? DEFAULT_MODEL_PAIR.weak,
  };
}

/**
 * A warning when both seats hold one model: every decision then names it. Not an error,
 * since serve accepts it on purpose (the fallback policy knows there is no other model to try).
 */
export function samePairWarning(pair: ModelPair): string | undefined {
  if (pair.strong !== pair.weak) return undefined;
  return `the strong and the weak model are both "${pair.strong}", so every prompt goes to it whatever the router decides; set --strong-model and --weak-model to two models`;
}

function flagModel(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} is empty: give a model name, e.g. ${flag} gpt-4o, or leave the flag out`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
