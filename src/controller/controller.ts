import { ControllerClosedError, InternalError, qualitiesByModel, RoutellmError, RoutingError, scorePrompts, type ModelList, type ModelPair } from '../core/index.js';
import type { GatewayStats } from '../server/chat/chat-pipeline.js';
import { prepareController, type ControllerInternals, type ControllerParts } from './assemble-controller.js';
import type { ReloadResult } from '../server/reload/routing-reloads.js';
import { ChatCompletions } from './chat-completions.js';
import { checkControllerOptions } from './check-controller-options.js';
import type { ControllerOptions } from './controller-options.js';
import { publicDecision, type Decision, type ModelQualities } from './routed-promise.js';

/** `GET /v1/routellm/stats` as an object: spend, strong-only spend and saving, fallbacks, routing health, live shares. */
export type ControllerStats = GatewayStats;

/** What a reload loaded (`Controller.reload()`; serve's `POST /v1/routellm/reload` answers the same, snake_cased). */
export type { ReloadResult };

/**
 * RouteLLM's Controller in TypeScript: loads routers, routes each prompt to the strong or the weak
 * model, and answers chat completions in-process, through the same pipeline as `routellm serve`
 * (fallback, timeouts and deadline, the concurrency limit, cost accounting, live shares), with the
 * `openai` package's types and errors.
 *
 * ```ts
 * const controller = await Controller.create({ routers: ['mf'], strongModel: 'gpt-4o', weakModel: 'groq/llama-3.1-8b-instant' });
 * const answer = await controller.chat.completions.create({ model: 'router-mf-30%', messages: [{ role: 'user', content: 'Hello' }] });
 * ```
 */
/** A Controller from its parts, for createController (the constructor is private to the class). */
let controllerOf: (parts: ControllerParts) => Controller;

export class Controller {
  static {
    controllerOf = (parts) => new Controller(parts);
  }

  /** `chat.completions.create(params, options?)`, as on the `openai` client. */
  readonly chat: { readonly completions: ChatCompletions };
  /** The models routed between (over a list: its cheapest model and its reference). */
  readonly modelPair: ModelPair;
  /** The ordered list of models routed over (the `models` option, the config's `models:` list); undefined for a pair. */
  readonly modelList: ModelList | undefined;
  readonly #parts: ControllerParts;
  /** Set by `close()`, at once: calls from then on fail with a ControllerClosedError before any work. */
  #closed = false;

  private constructor(parts: ControllerParts) {
    this.#parts = parts;
    this.modelPair = parts.pair;
    this.modelList = parts.modelList;
    this.chat = { completions: ChatCompletions.over(parts.pipeline, () => this.#ensureOpen()) };
  }

  /**
   * Loads the routers and resolves the upstreams, with `routellm serve`'s options (its flags,
   * camel-cased), each falling back to the environment, the config file, then the default. Fails
   * here, not on the first call, for a missing key, an unknown provider prefix or a bad config
   * (ConfigError, UsageError).
   */
  static async create(options: ControllerOptions = {}): Promise<Controller> {
    checkControllerOptions(options);
    return createController(options);
  }

  /** The routers loaded, by name (`router-<name>-<threshold>` picks one). */
  routers(): string[] {
    return this.#parts.pipeline.routing.decider.routerNames();
  }

  /**
   * The model `router` sends `prompt` to at `threshold` (a win rate in [0, 1], or a share of strong
   * calls like `'30%'`): RouteLLM's `route(prompt, router, threshold)`. Shares are held on the
   * traffic this Controller routes, as chat completions are. An empty prompt (or only whitespace) is
   * a RoutingError, code `empty_prompt`, as `routellm route ""` refuses it: a decision about nothing.
   */
  async route(prompt: string, router: string, threshold: number | string): Promise<string> {
    return (await this.decide(prompt, router, threshold)).model;
  }

  /**
   * `route` with the whole decision: router, threshold in force, strong win rate, tier, model. Over a
   * list of models the threshold is the rule's knob (any number >= 0, or a cost share like `'30%'`),
   * and the decision carries every model's predicted quality (`qualities`) instead of a win rate.
   */
  async decide(prompt: string, router: string, threshold: number | string): Promise<Decision> {
    this.#ensureOpen();
    checkedPrompts([prompt]);
    const decider = this.#parts.pipeline.routing.decider;
    const target = decider.resolveTarget(`router-${router}-${threshold}`);
    return publicDecision(await decider.decide(target, prompt));
  }

  /**
   * The strong model's win rate for each prompt, in order: RouteLLM's
   * `batch_calculate_win_rate(prompts, router)`. Routers that batch (embedding calls) score all at once.
   * Over a list of models it rejects with a RoutingError naming `qualities`, the list's equivalent;
   * an empty prompt among them, with one naming its index.
   */
  async winRates(prompts: readonly string[], router: string): Promise<number[]> {
    this.#ensureOpen();
    checkedPrompts(prompts, 'prompts');
    const decider = this.#parts.pipeline.routing.decider;
    if (decider.list) {
      throw new RoutingError(`winRates is the pair's strong win rate; over a list of models, controller.qualities(prompts, '${router}') gives every model's predicted quality`, { param: 'router', code: 'unknown_router' });
    }
    return scorePrompts(decider.router(router), prompts);
  }

  /**
   * Over a list of models, every model's predicted quality for each prompt, in order: the
   * `qualities` of `decide(prompt, router, knob)` (model -> quality, list order) without a decision,
   * so no share window moves. The list's `winRates`. A RoutingError over a pair, or for a router
   * that is not loaded.
   */
  async qualities(prompts: readonly string[], router: string): Promise<ModelQualities[]> {
    this.#ensureOpen();
    checkedPrompts(prompts, 'prompts');
    const list = this.#parts.pipeline.routing.decider.list;
    if (!list) {
      throw new RoutingError(`qualities are predicted over a list of models (the models option, or models: in the config); over the pair, controller.winRates(prompts, '${router}') gives the strong win rate`, { param: 'router', code: 'unknown_router' });
    }
    const scorer = list.scorer(router);
    const out: ModelQualities[] = [];
    for (const prompt of prompts) out.push(qualitiesByModel({ models: list.names, qualities: await list.qualities(scorer, prompt) }));
    return out;
  }

  /**
   * Re-reads the config file (or the config object given) and the routers' weights, builds the
   * routers, their calibration tables and the upstreams aside, then swaps them in at once: what
   * serve's SIGHUP and `POST /v1/routellm/reload` run, the same code. Calls in flight finish on the
   * old set; later calls route on the new one. Reloads run one at a time, in order. When anything
   * fails the old set keeps serving and the promise rejects with the RoutellmError that stopped it
   * (a ConfigError for a config that does not parse, weights that are not there, or a changed model
   * pair or list, which need a new Controller).
   */
  async reload(): Promise<ReloadResult> {
    this.#ensureOpen();
    try {
      return await this.#parts.reload();
    } catch (error) {
      if (error instanceof RoutellmError) throw error;
      throw new InternalError(`reload failed, the previous routers keep serving: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** What `GET /v1/routellm/stats` says: spend, saving, fallbacks by reason, routing health, live shares. */
  stats(): ControllerStats {
    return this.#parts.pipeline.stats();
  }

  /**
   * Saves the live share windows (`shareState`) and closes pooled upstream connections. Idempotent.
   * From then on chat completions, `route`, `decide`, `winRates`, `qualities` and `reload` fail at once
   * with a ControllerClosedError (chat: as the `cause` of a BadRequestError): nothing is routed or
   * sent, and nothing counts in `stats()`, which still reads.
   */
  close(): Promise<void> {
    this.#closed = true;
    return this.#parts.close();
  }

  #ensureOpen(): void {
    if (this.#closed) throw new ControllerClosedError('this Controller is closed: close() was called on it; create another with Controller.create to route or answer again');
  }
}

/**
 * A Controller built with what an adapter adds (not public): `routellm chat` in this process builds
 * one whose errors address a command-line user (`--api-key`); Controller.create's address a program.
 */
export async function createController(options: ControllerOptions, internals: ControllerInternals = {}): Promise<Controller> {
  const prepared = await prepareController(options, internals);
  return controllerOf(await prepared.finish());
}

/**
 * Prompts to route, checked: each a string with some text. Routers score an empty prompt anyway
 * (hybrid gives 0.5): a decision about nothing, which the CLI's `route ""` refuses too. A chat
 * request is not checked here: it is forwarded as serve forwards it (the upstream judges its
 * messages). `batch` names the array, so the error says which prompt.
 */
function checkedPrompts(prompts: readonly unknown[], batch?: string): void {
  if (batch !== undefined && !Array.isArray(prompts)) throw new RoutingError(`${batch} must be an array of strings`, { param: batch, code: 'invalid_prompt' });
  prompts.forEach((prompt, index) => {
    const which = batch === undefined ? 'the prompt' : `${batch}[${index}]`;
    if (typeof prompt !== 'string') throw new RoutingError(`${which} must be a string, got ${prompt === null ? 'null' : typeof prompt}`, { param: batch ?? 'prompt', code: 'invalid_prompt' });
    if (prompt.trim() === '') throw new RoutingError(`${which} is empty: give the text to route`, { param: batch ?? 'prompt', code: 'empty_prompt' });
  });
}
