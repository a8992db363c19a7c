import type { Audience } from './audience.js';
import { ConfigError, RoutingError } from './errors.js';
import type { HubAccess } from './hub-access.js';
import type { Router } from './router.js';

/**
 * What a router factory may use from the outside world. The core does no I/O:
 * adapters (CLI, server, tests) pass these in.
 */
export interface RouterContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a whole file; relative paths resolve against the project's working directory. */
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Global-fetch-compatible function for routers that call a network service. */
  readonly fetch: typeof globalThis.fetch;
  /** Directory of the shipped `datasets/` (weights, quantile tables). */
  readonly datasetsDir: string;
  /**
   * The Hugging Face hub, for options that name a repo (`checkpoint_path: routellm/mf_gpt4_augmented`).
   * Absent (contexts built by hand): such options are read as local paths only.
   */
  readonly hub?: HubAccess;
}

/** Options for one router, as given under its name in the YAML config. */
export type RouterOptions = Readonly<Record<string, unknown>>;

/** Builds a router by name. */
export interface RouterFactory {
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** True when the router needs no network and no API key with its default options. */
  readonly offline: boolean;
  /**
   * Routers this one builds inside itself, each configured under its own options
   * (`hybrid: {mf: {...}}`), not from the config's top-level section of that name.
   */
  readonly experts?: readonly string[];
  create(options: RouterOptions, context: RouterContext): Router | Promise<Router>;
}

/** Name -> factory. New routers plug in by registering here; the server never changes. */
export class RouterRegistry {
  readonly #factories = new Map<string, RouterFactory>();

  register(factory: RouterFactory): this {
    if (!/^[a-z0-9_]+$/i.test(factory.name)) {
      // Model names split on hyphens, so a hyphen in a router name could never be addressed.
      throw new ConfigError(`router name "${factory.name}" may use only letters, digits and underscores`);
    }
    this.#factories.set(factory.name, factory);
    return this;
  }

  has(name: string): boolean {
    return this.#factories.has(name);
  }

  names(): string[] {
    return [...this.#factories.keys()];
  }

  factories(): RouterFactory[] {
    return [...this.#factories.values()];
  }

  get(name: string): RouterFactory {
    const factory = this.#factories.get(name);
    if (!factory) {
      throw new ConfigError(`unknown router "${name}"; available routers: ${this.names().join(', ')}`);
    }
    return factory;
  }

  /** Builds each named router with its options from the config (`config[name]`). */
  async build(
    names: readonly string[],
    config: Readonly<Record<string, RouterOptions | undefined>>,
    context: RouterContext,
  ): Promise<Map<string, Router>> {
    const routers = new Map<string, Router>();
    for (const name of new Set(names)) {
      routers.set(name, await this.get(name).create(config[name] ?? {}, context));
    }
    return routers;
  }
}

/**
 * Thrown by the Decider when a request names a router that is not loaded: serve says what it has;
 * a program is told what its Controller loaded and where others are loaded (its `routers` option).
 */
export function unknownRouterError(name: string, available: readonly string[], audience: Audience = 'cli'): RoutingError {
  const loaded = available.join(', ') || '(none)';
  return new RoutingError(
    audience === 'cli' ? `unknown router "${name}"; this server has: ${loaded}` : `unknown router "${name}"; loaded routers: ${loaded} (Controller.create's routers option loads others)`,
    { param: 'model', code: 'unknown_router' },
  );
}
