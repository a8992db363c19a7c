import type { RouterRegistry } from '../core/index.js';
import { RESERVED_CONFIG_KEYS } from '../gateway/file-config.js';
import type { RoutellmConfig } from './load-config.js';

/**
 * One warning line per top-level config key that names no registered router, so a typo
 * (`hybird:`) or a misplaced section is seen rather than silently ignored. A warning, not an
 * error: RouteLLM's own config.example.yaml has a `bert:` section, and must keep loading.
 */
export function unknownConfigRouterWarnings(config: RoutellmConfig, registry: RouterRegistry): string[] {
  return Object.keys(config.routers)
    .filter((name) => !registry.has(name))
    .map(
      (name) =>
        `config file ${config.path ?? '(inline)'}: "${name}" is not a router here and is ignored ` +
        `(routers: ${registry.names().join(', ')}; sections: ${[...RESERVED_CONFIG_KEYS].join(', ')})`,
    );
}
