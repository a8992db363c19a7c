import { ConfigError, type RouterRegistry } from '../core/index.js';
import { RESERVED_CONFIG_KEYS } from './config-sections.js';
import type { RoutellmConfig } from './load-config.js';

/** Keys named in one line before the rest are only counted. */
const SHOWN_KEYS = 5;

/**
 * Warnings about config keys that would otherwise be silently ignored, at most one line each:
 * `unknownConfigKeysWarning`, then with `used` `unusedRouterSectionsWarning` (see each).
 * `listRouters`: the routers over a list of models (`knn:`, `mf:` sections a `models:` list reads).
 */
export function unknownConfigRouterWarnings(config: RoutellmConfig, registry: RouterRegistry, used?: readonly string[], listRouters: readonly string[] = []): string[] {
  const unknown = unknownConfigKeysWarning(config, registry, listRouters);
  const unused = used === undefined ? undefined : unusedRouterSectionsWarning(config, registry, used);
  return [unknown, unused].filter((line): line is string => line !== undefined);
}

/**
 * Top-level keys that name no registered router nor a section (a typo, `hybird:`, or RouteLLM's
 * `bert:`): a warning, not an error, so RouteLLM's config.example.yaml keeps loading; but when no
 * key at all is known, the file is not a routellm config (some other YAML, or a text file of
 * `key: value` lines) and that is a ConfigError.
 */
export function unknownConfigKeysWarning(config: RoutellmConfig, registry: RouterRegistry, listRouters: readonly string[] = []): string | undefined {
  const keys = config.keys ?? Object.keys(config.routers);
  const unknown = keys.filter((key) => !registry.has(key) && !listRouters.includes(key) && !RESERVED_CONFIG_KEYS.has(key));
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
 * A router's section that none of `used` (the routers this run builds) reads: `mf:` under
 * `--router hybrid` configures the mf router, not hybrid's mf expert. Valid options for a router
 * another run may load, so worth a warning, never a failure.
 */
export function unusedRouterSectionsWarning(config: RoutellmConfig, registry: RouterRegistry, used: readonly string[]): string | undefined {
  const unused = Object.keys(config.routers).filter((name) => registry.has(name) && !used.includes(name));
  return unused.length > 0 ? unusedSectionsWarning(fileName(config), unused, used, registry) : undefined;
}

function fileName(config: RoutellmConfig): string {
  return `config file ${config.path ?? '(inline)'}`;
}

function unusedSectionsWarning(file: string, unused: readonly string[], used: readonly string[], registry: RouterRegistry): string {
  const sections = unused.map((name) => `"${name}:"`).join(', ');
  const first = unused[0]!;
  const hints = used.flatMap((router) =>
    (registry.get(router).experts ?? []).filter((expert) => unused.includes(expert)).map((expert) => `${router}'s ${expert} expert takes ${router}: {${expert}: {...}}`),
  );
  return (
    `${file}: ${sections} ${unused.length === 1 ? 'is' : 'are'} ignored: a router's top-level options apply only when that router itself is used ` +
    `(e.g. route --router ${first}, or serve --routers ${first} with model router-${first}-...), and this run uses ${used.join(', ')}` +
    (hints.length > 0 ? `; ${hints.join('; ')}` : '')
  );
}

function shortList(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_KEYS).join(', ');
  return items.length > SHOWN_KEYS ? `${shown}, ... (${items.length} in all)` : shown;
}
