import { ConfigError } from '../core/index.js';
import type { ModelListEntry } from '../config/config-sections.js';
import type { ControllerOptions, ProviderSettings } from './controller-options.js';

// Every key of the option types, checked by the compiler both ways: a new option cannot be left out, nor a removed one kept.
const OPTION_KEYS = Object.keys({
  routers: true, strongModel: true, weakModel: true, models: true, config: true, baseURL: true, apiKey: true, providers: true, prices: true,
  fallback: true, timeout: true, ttfbTimeout: true, deadline: true, maxConcurrency: true, maxQueue: true, logPrompts: true, streamUsage: true,
  degradedShare: true, degradedWindow: true, verbose: true, shareWindow: true, shareState: true,
  env: true, cwd: true, fetch: true, logger: true, logLevel: true,
} satisfies Record<keyof ControllerOptions, true>);
const ENTRY_KEYS = Object.keys({ name: true, provider: true, baseUrl: true, apiKeyEnv: true, price: true, tags: true, scoredAs: true } satisfies Record<keyof ModelListEntry, true>);
const PROVIDER_KEYS = Object.keys({ baseURL: true, apiKeyEnv: true } satisfies Record<keyof ProviderSettings, true>);
const PRICE_KEYS = ['input', 'output'];

/** RouteLLM's Python Controller's names for what routellm calls otherwise (compared without case, `_` or `-`). */
const PYTHON_NAMES: Readonly<Record<string, string>> = { apibase: 'baseURL' };

/**
 * Refuses an option `Controller.create` does not know, in the options and inside `models` entries and
 * `providers`, as the config file refuses its unknown keys: a typo (`fallbak`) or the file's snake_case
 * (`base_url`, `api_key`) would otherwise be ignored, and the calls go where the defaults say (api.openai.com).
 * Also refuses `routers` and `config` of the wrong kind. Throws a ConfigError naming the key and the
 * spelling meant.
 */
export function checkControllerOptions(options: unknown): void {
  const given = record(options, 'Controller.create takes one options object');
  unknownKeys(given, OPTION_KEYS, 'is not an option of Controller.create');
  const routers = given['routers'];
  if (routers !== undefined && !Array.isArray(routers)) {
    throw new ConfigError(`routers must be a list (of router names, Router or RouterFactory objects), e.g. routers: ['mf']; got ${kind(routers)}`);
  }
  const config = given['config'];
  if (config !== undefined && typeof config !== 'string' && (typeof config !== 'object' || config === null || Array.isArray(config))) {
    throw new ConfigError(`config must be the config file's path or the config as an object, got ${kind(config)}`);
  }
  const models = given['models'];
  if (Array.isArray(models)) {
    models.forEach((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null) return;
      const where = `models[${index}]`;
      unknownKeys(entry as Record<string, unknown>, ENTRY_KEYS, `is not a field of a models entry`, where);
      const price = (entry as Record<string, unknown>)['price'];
      if (typeof price === 'object' && price !== null) unknownKeys(price as Record<string, unknown>, PRICE_KEYS, 'is not a price field', `${where}.price`);
    });
  }
  const providers = given['providers'];
  if (typeof providers === 'object' && providers !== null) {
    for (const [prefix, provider] of Object.entries(providers)) {
      if (typeof provider === 'object' && provider !== null) unknownKeys(provider as Record<string, unknown>, PROVIDER_KEYS, 'is not a field of a provider', `providers.${prefix}`);
    }
  }
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], what: string, where = ''): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const name = where === '' ? key : `${where}.${key}`;
    const meant = meantKey(key, known);
    throw new ConfigError(`${name} ${what}; ${meant ? `did you mean ${meant}?` : `use ${known.join(', ')}`}`);
  }
}

/** The known key `key` stands for: the same letters camel-cased (`base_url` -> baseURL), RouteLLM's name, or a slip of one or two letters. */
function meantKey(key: string, known: readonly string[]): string | undefined {
  const bare = (name: string) => name.replace(/[_-]/g, '').toLowerCase();
  const exact = known.find((name) => bare(name) === bare(key)) ?? (known.includes(PYTHON_NAMES[bare(key)] ?? '') ? PYTHON_NAMES[bare(key)] : undefined);
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(bare(key), bare(name));
    if (distance <= 2 && distance < (best?.distance ?? Infinity)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance: insertions, deletions and substitutions of one letter. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${what}, got ${kind(value)}`);
  return value as Record<string, unknown>;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value);
}
