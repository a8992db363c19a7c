import { checkModelList, ConfigError, UsageError, type ModelEntry, type ModelList, type TokenPrice } from '../core/index.js';
import type { ModelListEntry, ModelsSection } from './config-sections.js';

/** Where a list of models may come from besides the file: the library's `models` option, and the pair flags that turn it off. */
export interface ModelListSettings {
  /** The models, cheapest first (the Controller's `models`); over the config file's `models:` list. */
  readonly models?: readonly (string | ModelListEntry)[] | undefined;
  readonly strongModel?: string | undefined;
  readonly weakModel?: string | undefined;
}

/**
 * The ordered list of models to route over, or undefined for the strong/weak pair. The list given
 * (the library's `models`) comes first; a pair given (`--strong-model`/`--weak-model`, or
 * ROUTELLM_STRONG_MODEL/ROUTELLM_WEAK_MODEL) then wins over the file's `models:` list, so the
 * two-model path stays exactly as it was (see pairOverFileList); else the file's list. Each entry's
 * price is its own, else `prices:` and the built-in table's (`priceOf`). Throws a ConfigError for an
 * empty or one-model list, a model listed twice, or a model without a price.
 */
export function resolveModelList(
  given: ModelListSettings,
  env: Readonly<Record<string, string | undefined>>,
  file: ModelsSection,
  priceOf: (model: string) => TokenPrice | undefined,
  where: string,
  warn: (line: string) => void = () => {},
): ModelList | undefined {
  if (given.models !== undefined) return listOf(given.models, priceOf, 'models');
  if (pairOverFileList(given, env, file, where, warn) || file.list === undefined) return undefined;
  return listOf(file.list, priceOf, where);
}

/**
 * Whether a pair given (flags, the Controller's options, or the environment) replaces the config
 * file's `models:` list, decided once for every command. Both sides given: yes, and `warn` says once
 * that the file's list is not used (route, serve, doctor and chat then run a pair router over other
 * models than the file describes). One side only: a UsageError, since the other side would quietly
 * become RouteLLM's default model (an exported ROUTELLM_STRONG_MODEL left from a pair setup). No
 * list in the file: a pair given is just the pair.
 */
export function pairOverFileList(
  given: Pick<ModelListSettings, 'strongModel' | 'weakModel'>,
  env: Readonly<Record<string, string | undefined>>,
  file: ModelsSection,
  where: string,
  warn: (line: string) => void,
): boolean {
  const strong = sideGiven(given.strongModel, env['ROUTELLM_STRONG_MODEL'], '--strong-model', 'ROUTELLM_STRONG_MODEL');
  const weak = sideGiven(given.weakModel, env['ROUTELLM_WEAK_MODEL'], '--weak-model', 'ROUTELLM_WEAK_MODEL');
  if (strong === undefined && weak === undefined) return false;
  if (file.list === undefined) return true;
  const list = `the models: list of ${where.replace(/: models$/, '')} (${Array.isArray(file.list) ? `${file.list.length} models` : 'not a list'})`;
  if (strong === undefined || weak === undefined) {
    const [alone, other] = strong !== undefined ? [strong, 'a weak model (--weak-model or ROUTELLM_WEAK_MODEL)'] : [weak as string, 'a strong model (--strong-model or ROUTELLM_STRONG_MODEL)'];
    throw new UsageError(`${alone} alone would route a pair with RouteLLM's default model on the other side, in place of ${list}: give ${other} too to route a pair, or ${undo(alone)} ${alone} to route the list`);
  }
  const both = undo(strong) === undo(weak) ? `${undo(strong)} them` : `${undo(strong)} ${strong} and ${undo(weak)} ${weak}`;
  warn(`${strong} and ${weak} given: ${list} is not used; a pair is routed (${both} to route the list)`);
  return true;
}

/** How to take a side back: a flag is dropped, a variable unset. */
const undo = (source: string) => (source.startsWith('--') ? 'drop' : 'unset');

/** Which flag or variable names a side of the pair (the flag over the variable; empty means unset), or undefined. */
function sideGiven(flag: string | undefined, variable: string | undefined, flagName: string, variableName: string): string | undefined {
  if (flag !== undefined && flag !== '') return flagName;
  if (variable !== undefined && variable !== '') return variableName;
  return undefined;
}

function listOf(entries: readonly (string | ModelListEntry)[], priceOf: (model: string) => TokenPrice | undefined, where: string): ModelList {
  if (!Array.isArray(entries)) throw new ConfigError(`${where} must be a list of models, cheapest first`);
  const list: ModelEntry[] = entries.map((given) => {
    const entry: ModelListEntry = typeof given === 'string' ? { name: given, tags: [] } : given;
    return {
      name: entry.name,
      provider: entry.provider,
      baseUrl: entry.baseUrl,
      apiKeyEnv: entry.apiKeyEnv,
      price: entry.price ?? priceOf(entry.name),
      tags: entry.tags ?? [],
      scoredAs: entry.scoredAs,
    };
  });
  return checkModelList(list, where);
}
