import { RoutingError } from './errors.js';
import type { ModelPair } from './model-pair.js';
import { parseModelName, type ThresholdSpec } from './parse-model-name.js';
import { unknownRouterError } from './registry.js';
import { chooseTier, type Router, type Tier } from './router.js';
import { boundedRoutingText, routingText } from './routing-text.js';

/** Finds the threshold that sends `share` of calls to the strong model, from a calibration table. */
export type ShareResolver = (router: string, share: number) => number | undefined;

/**
 * One line of advice about a numeric threshold of a router (it means almost no or almost every
 * strong call, or it is RouteLLM's published number for other weights), or undefined.
 */
export type ThresholdAdvisor = (router: string, threshold: number) => string | undefined;

/** Distinct router+threshold pairs advised about; past this many, new ones are not (a client can send endless thresholds). */
const MAX_ADVISED = 1024;

export interface ControllerOptions {
  readonly pair: ModelPair;
  readonly routers: ReadonlyMap<string, Router>;
  /** Resolves `router-<r>-50%` thresholds; without it, such names are rejected. */
  readonly resolveShare?: ShareResolver;
  /** Judges numeric thresholds; each line it gives goes to `onThresholdAdvice` once per router and threshold. */
  readonly adviseThreshold?: ThresholdAdvisor;
  readonly onThresholdAdvice?: (line: string) => void;
}

/** What the controller decided for one prompt. */
export interface RoutingDecision {
  readonly router: string;
  readonly threshold: number;
  readonly strongWinRate: number;
  readonly tier: Tier;
  /** The model that should answer. */
  readonly model: string;
}

/** A router and a concrete threshold, resolved from a model name. */
export interface RouteTarget {
  readonly router: Router;
  readonly threshold: number;
}

/**
 * The core of every command and of the server: holds the model pair and the loaded
 * routers, turns model names into routers and thresholds, and decides. No I/O.
 */
export class Controller {
  readonly pair: ModelPair;
  readonly #routers: ReadonlyMap<string, Router>;
  readonly #resolveShare: ShareResolver | undefined;
  readonly #adviseThreshold: ThresholdAdvisor | undefined;
  readonly #onThresholdAdvice: ((line: string) => void) | undefined;
  readonly #advised = new Set<string>();

  constructor(options: ControllerOptions) {
    this.pair = options.pair;
    this.#routers = options.routers;
    this.#resolveShare = options.resolveShare;
    this.#adviseThreshold = options.adviseThreshold;
    this.#onThresholdAdvice = options.onThresholdAdvice;
  }

  routerNames(): string[] {
    return [...this.#routers.keys()];
  }

  router(name: string): Router {
    const router = this.#routers.get(name);
    if (!router) throw unknownRouterError(name, this.routerNames());
    return router;
  }

  /** `router-mf-0.116` -> the mf router and 0.116. Throws RoutingError naming what is wrong. */
  resolveModel(model: unknown): RouteTarget {
    const parsed = parseModelName(model);
    const router = this.router(parsed.router);
    return { router, threshold: this.resolveThreshold(parsed.router, parsed.threshold) };
  }

  /**
   * The threshold a spec stands for. A numeric one is passed by the advisor the first time this
   * router and threshold are seen (see ThresholdAdvisor): a warning, never a refusal.
   */
  resolveThreshold(router: string, spec: ThresholdSpec): number {
    if (spec.kind === 'win-rate') {
      if (this.#onThresholdAdvice) this.#advise(router, spec.value);
      return spec.value;
    }
    const threshold = this.#resolveShare?.(router, spec.share);
    if (threshold === undefined) {
      throw new RoutingError(
        `no calibration table for router "${router}", so a strong-model share cannot be turned into a threshold; ` +
          'give a threshold in [0, 1] instead, or run `routellm calibrate`',
        { param: 'model', code: 'invalid_threshold' },
      );
    }
    return threshold;
  }

  #advise(router: string, threshold: number): void {
    const key = `${router}\0${threshold}`;
    if (this.#advised.has(key) || this.#advised.size >= MAX_ADVISED) return;
    this.#advised.add(key);
    const line = this.#adviseThreshold?.(router, threshold);
    if (line !== undefined) this.#onThresholdAdvice?.(line);
  }

  /** Decides for one prompt (on its bounded routing text, as eval and calibrate score it). */
  async decide(target: RouteTarget, prompt: string): Promise<RoutingDecision> {
    const strongWinRate = await target.router.strongWinRate(boundedRoutingText(prompt));
    if (!(strongWinRate >= 0 && strongWinRate <= 1)) {
      // A NaN here would silently route everything weak: fail loudly instead.
      throw new RoutingError(`router "${target.router.name}" returned an invalid win rate ${strongWinRate}`, {
        code: 'router_failure',
      });
    }
    const tier = chooseTier(strongWinRate, target.threshold);
    return {
      router: target.router.name,
      threshold: target.threshold,
      strongWinRate,
      tier,
      model: tier === 'strong' ? this.pair.strong : this.pair.weak,
    };
  }

  /**
   * Routes an OpenAI chat request body: validates `model` and `messages`, decides on the
   * last message's text, and returns the body to forward with `model` replaced.
   * Every other field is passed through untouched.
   */
  async routeChat(body: Readonly<Record<string, unknown>>): Promise<{ decision: RoutingDecision; forward: Record<string, unknown> }> {
    const target = this.resolveModel(body['model']);
    const prompt = routingText(body['messages']);
    const decision = await this.decide(target, prompt);
    return { decision, forward: { ...body, model: decision.model } };
  }
}
