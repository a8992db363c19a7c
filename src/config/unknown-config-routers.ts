import { ConfigError, type RouterRegistry } from '../core/index.js';
import { RESERVED_CONFIG_KEYS } from './config-sections.js';
import type { RoutellmConfig } from './load-config.js';

/** Keys named in one line before the rest are only counted. */
const SHOWN_KEYS = 5;

/**
 * RouteLLM's routers (its ROUTER_CLS). Its config.example.yaml holds a section for each, one file for
 * all of them, whichever a run uses; `bert:` is one this package has no router for, read and left alone.
 */
const ROUTELLM_ROUTERS: readonly string[] = ['random', 'mf', 'causal_llm', 'bert', 'sw_ranking'];

/**
 * Warnings about config keys that would otherwise be silently ignored, at most one line each:
 * `unknownConfigKeysWarning`, then with `used` `misplacedExpertSectionsWarning` (see each).
 * `listRouters`: the routers over a list of models (`knn:`, `mf:` sections a `models:` list reads).
 */
export function unknownConfigRouterWarnings(config: RoutellmConfig, registry: RouterRegistry, used?: readonly string[], listRouters: readonly string[] = []): string[] {
  const unknown = unknownConfigKeysWarning(config, registry, listRouters);
  const misplaced = used === undefined ? undefined : misplacedExpertSectionsWarning(config, registry, used);
  return [unknown, misplaced].filter((line): line is string => line !== undefined);
}

/**
 * Top-level keys that name no registered router, no RouteLLM router, nor a section (a typo,
 * `hybird:`): a warning, not an error; but when no key at all is known, the file is not a routellm
 * config (some other YAML, or a text file of `key: value` lines) and that is a ConfigError.
 * RouteLLM's `bert:` is no typo: its config.example.yaml has it, and it is ignored without a word
 * (`--routers bert` is refused as an unknown router).
 */
export function unknownConfigKeysWarning(config: RoutellmConfig, registry: RouterRegistry, listRouters: readonly string[] = []): string | undefined {
  const keys = config.keys ?? Object.keys(config.routers);
  const unknown = keys.filter((key) => !registry.has(key) && !ROUTELLM_ROUTERS.includes(key) && !listRouters.includes(key) && !RESERVED_CONFIG_KEYS.has(key));
  const overList = listRouters.filter((name) => !registry.has(name));
  const known = `routers: ${registry.names().join(', ')}${overList.length > 0 ? `; over a models: list also ${overList.join(', ')}` : ''}; sections: ${[...RESERVED_CONFIG_KEYS].join(', ')}`;
  if (keys.length > 0 && unknown.length === keys.length) {
    throw new ConfigError(`${fileName(config)} is not a routellm config: none of its keys (${shortList(unknown)}) is a router or a known section (${known})`);
  }
  if (unknown.length === 0) return undefined;
  const names = shortList(unknown.map((key) => JSON.stringify(key)));
  return `${fileName(config)}: ${names} ${unknown.length === 1 ? 'is not a router here and is' : 'are not routers here and are'} ignored (${known})`;
}

/**
 * A top-level section for a router this run does not build, that is an expert of one it does:
 * `mf:` under `--router hybrid` configures the mf router, not hybrid's mf expert, which is almost
 * surely what was meant. Sections for routers the run does not use at all are not warned about:
 * one file for every router is how RouteLLM's config.example.yaml is meant to be used.
 */
export function misplacedExpertSectionsWarning(config: RoutellmConfig, registry: RouterRegistry, used: readonly string[]): string | undefined {
  const unused = Object.keys(config.routers).filter((name) => registry.has(name) && !used.includes(name));
  const hints = used.flatMap((router) =>
    (registry.has(router) ? (registry.get(router).experts ?? []) : []).filter((expert) => unused.includes(expert)).map((expert) => ({ router, expert })),
  );
  if (hints.length === 0) return undefined;
  const sections = [...new Set(hints.map((hint) => hint.expert))];
  return (
    `${fileName(config)}: ${sections.map((name) => `"${name}:"`).join(', ')} ${sections.length === 1 ? 'configures the router of that name' : 'configure the routers of those names'}, ` +
    `which this run does not use (it uses ${used.join(', ')}): ${hints.map(({ router, expert }) => `${router}'s ${expert} expert takes ${router}: {${expert}: {...}}`).join('; ')}`
  );
}

function fileName(config: RoutellmConfig): string {
  return `config file ${config.path ?? '(inline)'}`;
}

function shortList(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_KEYS).join(', ');
  return items.length > SHOWN_KEYS ? `${shown}, ... (${items.length} in all)` : shown;
}
