import { DEFAULT_MODEL_PAIR, UsageError, type ModelPair } from '../core/index.js';
import type { ModelsSection } from './config-sections.js';

/**
 * Resolves the model pair, once for every command and the Controller: the given name (a flag, an
 * option), then the environment (`ROUTELLM_STRONG_MODEL`/`ROUTELLM_WEAK_MODEL`, empty means unset),
 * then the config file's `models:` section, then the RouteLLM paper's pair. An empty name given is
 * a usage error: it would otherwise quietly fall through to the default model.
 */
export function resolveModelPair(
  given: { readonly strongModel?: string | undefined; readonly weakModel?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  file: ModelsSection = {},
): ModelPair {
  return {
    strong: givenModel('--strong-model', given.strongModel) ?? nonEmpty(env['ROUTELLM_STRONG_MODEL']) ?? file.strong ?? DEFAULT_MODEL_PAIR.strong,
    weak: givenModel('--weak-model', given.weakModel) ?? nonEmpty(env['ROUTELLM_WEAK_MODEL']) ?? file.weak ?? DEFAULT_MODEL_PAIR.weak,
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

function givenModel(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} is empty: give a model name, e.g. ${flag} gpt-4o, or leave the flag out`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
