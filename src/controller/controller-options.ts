import type { RouterFactory, Router } from '../core/index.js';
import type { ModelListEntry, ModelPrice } from '../config/config-sections.js';
import type { ChatSettings } from '../server/options/chat-options.js';
import type { ShareSettings } from '../shares/share-options.js';
import type { LogLevel } from './log-level.js';

/** An OpenAI-compatible provider for `<name>/<model>` names, as the config file's `providers:` declares one. */
export interface ProviderSettings {
  /** Its OpenAI base URL, e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  /** The environment variable holding its key (the config file's `api_key_env`); none: no key is sent. */
  readonly apiKeyEnv?: string | undefined;
}

/**
 * What `routellm serve`'s flags choose, as `Controller.create` takes it: the same names, camel-cased
 * (`--strong-model` is `strongModel`, `--ttfb-timeout` is `ttfbTimeout`), durations in seconds as the
 * flags take them. Each falls back to the environment (`ROUTELLM_*`, `OPENAI_*`), then the config file,
 * then the default, as serve's flags do.
 */
export interface ControllerSettings extends ChatSettings, ShareSettings {
  /**
   * Routers to load (default `['difficulty']`): built-in names (`mf`, `hybrid`, `random`, ...), `Router`
   * objects of your own (`{ name, fingerprint, strongWinRate(prompt) }`), or `RouterFactory` objects,
   * built like the built-ins with the config's options under their name.
   */
  readonly routers?: readonly (string | Router | RouterFactory)[] | undefined;
  /** The strong model (`--strong-model`; env ROUTELLM_STRONG_MODEL; config `models.strong`). */
  readonly strongModel?: string | undefined;
  /** The weak model (`--weak-model`; env ROUTELLM_WEAK_MODEL; config `models.weak`). */
  readonly weakModel?: string | undefined;
  /**
   * An ordered list of models to route over, cheapest first (the last is the reference), over the
   * config's `models:` list: names, or `{ name, price: { input, output }, provider | baseUrl, apiKeyEnv,
   * tags, scoredAs }`. Routers are then routers over a list (`knn`, the default, or `mf`), and
   * `router-<r>-<knob>` / `router-<r>-<share>%` choose among them (docs/multi-model.md).
   */
  readonly models?: readonly (string | ModelListEntry)[] | undefined;
  /**
   * The YAML config file's path (`--config`), relative to `cwd`; or the config itself as an object in
   * the file's shape (router name -> options, plus `models`, `providers`, `prices`, `server`), as
   * RouteLLM's Controller takes its `config` dict.
   */
  readonly config?: string | Readonly<Record<string, unknown>> | undefined;
  /** Send both models, names unchanged, to this OpenAI-compatible endpoint (`--base-url`; env ROUTELLM_BASE_URL). */
  readonly baseURL?: string | undefined;
  /** The key for both models, over the provider key variables (`--api-key`; env ROUTELLM_API_KEY). */
  readonly apiKey?: string | undefined;
  /** `<prefix>/` providers beside the built-in table, over the config file's `providers:`. */
  readonly providers?: Readonly<Record<string, ProviderSettings>> | undefined;
  /** USD per million tokens by model, over the config file's `prices:` and the built-in table. */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined;
}

/**
 * Where a Controller finds the outside world; each defaults to this process's. Tests and embedders
 * pass their own, so nothing is read from module state.
 */
export interface ControllerEnvironment {
  /** Environment variables (keys, `ROUTELLM_*`, provider base URLs); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Where relative paths (the config file, share state) are resolved; default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** The fetch routers use (embeddings, the causal_llm judge, Hugging Face downloads); default the global one. */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /**
   * Where warnings go (a fallback, routing degraded, a config key no router reads, a model without a
   * price) and, with `verbose`, each routing decision: a pino logger or anything with `warn` and
   * `info` taking (fields, message). Default: warnings as one `routellm: ...` line each on stderr.
   */
  readonly logger?: Logger | undefined;
  /**
   * Which lines reach `logger`, as openai-node's `logLevel`: `'off'` (or `'error'`: the Controller
   * throws its errors, it never logs them) silences it, `'warn'` passes warnings, `'info'`/`'debug'`
   * info lines too. Default: env `ROUTELLM_LOG`, else `'warn'` (`'info'` with `verbose`).
   */
  readonly logLevel?: LogLevel | undefined;
}

/** A logger as the Controller writes to it (pino's shape: fields first, then the message). */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** `Controller.create`'s options: serve's flags (ControllerSettings) and the outside world (ControllerEnvironment). */
export interface ControllerOptions extends ControllerSettings, ControllerEnvironment {}
