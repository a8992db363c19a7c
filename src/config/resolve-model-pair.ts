import { DEFAULT_MODEL_PAIR, optionName, optionSetting, UsageError, type Audience, type AudienceOption, type ModelPair } from '../core/index.js';
import type { ModelsSection } from './config-sections.js';

/**
 * Resolves the model pair, once for every command and the Controller: the given name (a flag, an
 * option), then the environment (`ROUTELLM_STRONG_MODEL`/`ROUTELLM_WEAK_MODEL`, empty means unset),
 * then the config file's `models:` section, then the RouteLLM paper's pair. An empty name given is
 * a usage error: it would otherwise quietly fall through to the default model, named as `audience`
 * sets it (the flag, or the Controller's option).
 */
export function resolveModelPair(
  given: { readonly strongModel?: string | undefined; readonly weakModel?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  file: ModelsSection = {},
  audience: Audience = 'cli',
): ModelPair {
  return {
    strong: givenModel('strongModel', given.strongModel, audience) ?? nonEmpty(env['ROUTELLM_STRONG_MODEL']) ?? file.strong ?? DEFAULT_MODEL_PAIR.strong,
    weak: givenModel('weakModel', given.weakModel, audience) ?? nonEmpty(env['ROUTELLM_WEAK_MODEL']) ?? file.weak ?? DEFAULT_MODEL_PAIR.weak,
  };
}

/**
 * A warning when both seats hold one model: every decision then names it. Not an error,
 * since serve accepts it on purpose (the fallback policy knows there is no other model to try).
 */
export function samePairWarning(pair: ModelPair, audience: Audience = 'cli'): string | undefined {
  if (pair.strong !== pair.weak) return undefined;
  return `the strong and the weak model are both "${pair.strong}", so every prompt goes to it whatever the router decides; set ${optionName('strongModel', audience)} and ${optionName('weakModel', audience)} to two models`;
}

function givenModel(option: AudienceOption, value: string | undefined, audience: Audience): string | undefined {
  if (value !== undefined && value.trim() === '') {
    const name = optionName(option, audience);
    throw new UsageError(`${name} is empty: give a model name, e.g. ${optionSetting(option, 'gpt-4o', audience)}, or leave the ${audience === 'cli' ? 'flag' : 'option'} out`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
