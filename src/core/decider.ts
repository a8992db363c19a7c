import type { Audience } from './audience.js';
import { RoutingError } from './errors.js';
import { type ListChoice, type ListTarget, type ModelListRouting } from './model-list/list-routing.js';
import { pairOfModelList } from './model-list/model-list.js';
import { requestTokens, type RequestTokens } from './model-list/request-tokens.js';
import type { ModelPair } from './model-pair.js';
import { parseModelName, type ThresholdSpec } from './parse-model-name.js';
import { unknownRouterError } from './registry.js';
import { chooseTier, scorePrompts, scoreText, type Router, type Tier } from './router.js';
import { boundedRoutingText, routingText } from './routing-text.js';
import type { BudgetTrack } from './shares/budget-track.js';
import type { ShareCalibrator } from './shares/share-calibrator.js';
import { shareOfBatch } from './shares/share-of-batch.js';

/** Finds the threshold that sends `share` of calls to the strong model, from a calibration table. */
export type ShareResolver = (router: string, share: number) => number | undefined;

/**
 * One line of advice about a numeric threshold of a router (it means almost no or almost every
 * strong call, or it is RouteLLM's published number for other weights), or undefined.
 */
export type ThresholdAdvisor = (router: string, threshold: number) => string | undefined;

/** Distinct router+threshold pairs advised about; past this many, new ones are not (a client can send endless thresholds). */
const MAX_ADVISED = 1024;

export interface DeciderOptions {
  readonly pair: ModelPair;
  readonly routers: ReadonlyMap<string, Router>;
  /** Resolves `router-<r>-50%` thresholds; without it, such names are rejected. */
  readonly resolveShare?: ShareResolver;
  /** Judges numeric thresholds; each line it gives goes to `onThresholdAdvice` once per router and threshold. */
  readonly adviseThreshold?: ThresholdAdvisor;
  readonly onThresholdAdvice?: (line: string) => void;
  /**
   * Holds shares on live traffic (`serve`): a share's threshold then follows the win rates of
   * the requests routed with it, starting from `resolveShare`'s. Without it a share is the
   * table's fixed threshold (`route`). Numeric thresholds are never adapted.
   */
  readonly liveShares?: ShareCalibrator;
  /**
   * Routing over an ordered list of models (the config's `models:` list): model names then address
   * the list routers (`knn`, `mf`), and `pair` is the list's cheapest model and its reference.
   */
  readonly list?: ModelListRouting;
  /** Who its errors address (default `cli`: serve's words); the library's Controller says `library`. */
  readonly audience?: Audience;
}

/** What the controller decided for one prompt. */
export interface RoutingDecision {
  readonly router: string;
  /** The threshold in force; over a list, the rule's knob. */
  readonly threshold: number;
  /** The strong model's win rate; undefined over a list (see `list.qualities`). */
  readonly strongWinRate?: number | undefined;
  /** Over a list: `strong` for the reference (the last model), `weak` for any other. */
  readonly tier: Tier;
  /** The model that should answer. */
  readonly model: string;
  /** Over a list: every model's predicted quality, the chosen index and the costs weighed. */
  readonly list?: ListChoice;
  /** For a budget name: told each strong answer's cost, so the budget can hold. */
  readonly budget?: { spend(usd: number, expectedUsd?: number): void };
  /**
   * A budget's cold-start probe (docs/shares.md): sent strong although the win rate is below the
   * threshold, to measure what a strong call costs. Absent on every other decision.
   */
  readonly budgetProbe?: true;
}

/** A router and a concrete threshold, resolved from a model name. */
export interface RouteTarget {
  readonly router: Router;
  /** The threshold; for a share, the calibration table's (where a live share starts). */
  readonly threshold: number;
  /** The asked strong share (0..1) when the model name gave one (`router-mf-30%`). */
  readonly share?: number;
  /** The strong-model budget in USD per hour when the model name gave one (`router-mf-$20/h`). */
  readonly budget?: number;
}

/**
 * The core of every command and of the server: holds the model pair and the loaded
 * routers, turns model names into routers and thresholds, and decides. No I/O.
 */
export class Decider {
  readonly pair: ModelPair;
  /** Routing over a list of models, when the config gives one. */
  readonly list: ModelListRouting | undefined;
  readonly #routers: ReadonlyMap<string, Router>;
  readonly #resolveShare: ShareResolver | undefined;
  readonly #adviseThreshold: ThresholdAdvisor | undefined;
  readonly #onThresholdAdvice: ((line: string) => void) | undefined;
  readonly #advised = new Set<string>();
  readonly #liveShares: ShareCalibrator | undefined;
  readonly #audience: Audience;

  constructor(options: DeciderOptions) {
    this.#audience = options.audience ?? 'cli';
    this.list = options.list;
    this.pair = options.list ? pairOfModelList(options.list.models) : options.pair;
    this.#routers = options.routers;
    this.#resolveShare = options.resolveShare;
    this.#adviseThreshold = options.adviseThreshold;
    this.#onThresholdAdvice = options.onThresholdAdvice;
    this.#liveShares = options.liveShares;
  }

  routerNames(): string[] {
    return this.list ? this.list.routerNames() : [...this.#routers.keys()];
  }

  router(name: string): Router {
    const router = this.#routers.get(name);
    if (!router) throw unknownRouterError(name, this.routerNames(), this.#audience);
    return router;
  }

  /** The fingerprint of a loaded router (over a list, of the router over a list), for caches, share windows and reloads. */
  fingerprint(name: string): string {
    return this.list ? this.list.scorer(name).fingerprint : this.router(name).fingerprint;
  }

  /** What a share window of a loaded router is kept for: its fingerprint, and over a list the models it scores (ModelListRouting.shareFingerprint). */
  shareFingerprint(name: string): string {
    return this.list ? this.list.shareFingerprint(name) : this.router(name).fingerprint;
  }

  /** `router-mf-0.116` -> the mf router and 0.116. Throws RoutingError naming what is wrong. */
  resolveModel(model: unknown): RouteTarget {
    const parsed = parseModelName(model);
    const router = this.router(parsed.router);
    const threshold = this.resolveThreshold(parsed.router, parsed.threshold);
    if (parsed.threshold.kind === 'strong-share') return { router, threshold, share: parsed.threshold.share };
    if (parsed.threshold.kind === 'budget') return { router, threshold, budget: parsed.threshold.usdPerHour };
    return { router, threshold };
  }

  /** A model name's target: over a list of models, a list router and its knob; else as resolveModel. */
  resolveTarget(model: unknown): RouteTarget | ListTarget {
    return this.list ? this.list.resolve(model) : this.resolveModel(model);
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
    if (spec.kind === 'budget') this.#checkBudget();
    // A budget starts, like a share, from the table (at half the calls, until its window is warm).
    const threshold = this.#resolveShare?.(router, spec.kind === 'budget' ? 0.5 : spec.share);
    if (threshold === undefined) {
      throw new RoutingError(
        `no calibration table for router "${router}", so a strong-model share cannot be turned into a threshold; ` +
          'give a threshold in [0, 1] instead, or run `routellm calibrate`',
        { param: 'model', code: 'invalid_threshold' },
      );
    }
    return threshold;
  }

  #checkBudget(): void {
    const refusal = this.#liveShares ? this.#liveShares.budgetRefusal : 'not-live';
    if (refusal === 'not-live') {
      throw new RoutingError('a budget like router-mf-$20/h is held on live traffic by routellm serve only; give a threshold or a share like 30%', {
        param: 'model',
        code: 'invalid_threshold',
      });
    }
    if (refusal === 'no-price') {
      throw new RoutingError(`the strong model "${this.pair.strong}" has no price, so a budget per hour cannot be held; add it under prices: in the config file, or use a share like 30%`, {
        param: 'model',
        code: 'invalid_threshold',
      });
    }
  }

  #advise(router: string, threshold: number): void {
    const key = `${router}\0${threshold}`;
    if (this.#advised.has(key) || this.#advised.size >= MAX_ADVISED) return;
    this.#advised.add(key);
    const line = this.#adviseThreshold?.(router, threshold);
    if (line !== undefined) this.#onThresholdAdvice?.(line);
  }

  /**
   * Opens the live share of every saved window loaded at start-up (`--share-state`) whose router is
   * loaded with the same weights, so the stats and metrics show it before its first request (they list
   * live shares only). A share the calibration table cannot resolve stays closed, as a request would find it.
   */
  openSavedShares(): void {
    const live = this.#liveShares;
    if (!live) return;
    for (const saved of live.pendingSaved()) {
      if (saved.kind === 'list') {
        this.list?.openSaved(saved.router, saved.fingerprint, saved.share);
        continue;
      }
      const router = this.#routers.get(saved.router);
      if (!router || router.fingerprint !== saved.fingerprint) continue;
      let threshold: number;
      try {
        threshold = this.resolveThreshold(saved.router, { kind: 'strong-share', share: saved.share });
      } catch {
        continue;
      }
      live.track(router, saved.share, threshold);
    }
  }

  /**
   * Decides for one prompt (on its bounded routing text, as eval and calibrate score it). Over a
   * list, `tokens` is the request's size its costs are priced at (default: the prompt alone).
   */
  async decide(target: RouteTarget | ListTarget, prompt: string, tokens?: RequestTokens): Promise<RoutingDecision> {
    if ('kind' in target) return this.#decideOverList(target, prompt, tokens);
    const strongWinRate = await scoreText(target.router, boundedRoutingText(prompt));
    let threshold = target.threshold;
    let tier: Tier;
    let budget: BudgetTrack | undefined;
    let budgetProbe = false;
    if (target.share !== undefined && this.#liveShares) {
      const live = this.#liveShares.track(target.router, target.share, threshold).decide(strongWinRate);
      threshold = live.threshold;
      tier = live.strong ? 'strong' : 'weak';
    } else if (target.budget !== undefined && this.#liveShares) {
      const router = target.router;
      budget = this.#liveShares.budgetTrack(router, target.budget, (share) => this.resolveThreshold(router.name, { kind: 'strong-share', share }));
      const live = budget.decide(strongWinRate);
      threshold = live.threshold;
      tier = live.strong ? 'strong' : 'weak';
      budgetProbe = live.probe === true;
    } else tier = chooseTier(strongWinRate, threshold);
    const decision = {
      router: target.router.name,
      threshold,
      strongWinRate,
      tier,
      model: tier === 'strong' ? this.pair.strong : this.pair.weak,
    };
    if (!budget) return decision;
    return budgetProbe ? { ...decision, budget, budgetProbe: true } : { ...decision, budget };
  }

  async #decideOverList(target: ListTarget, prompt: string, tokens: RequestTokens | undefined): Promise<RoutingDecision> {
    const list = this.list;
    if (!list) throw new RoutingError(`router "${target.scorer.name}" routes over a list of models, and none is configured`, { param: 'model', code: 'unknown_router' });
    const decision = await list.decide(target, prompt, tokens);
    return { ...decision, tier: decision.list.index === decision.list.models.length - 1 ? 'strong' : 'weak' };
  }

  /**
   * Decides for a whole batch at once so that exactly round(share * n) of it goes strong
   * (`route --share-of-input`): the highest win rates, ties taken in input order. The threshold
   * of every decision is the batch's cut (the lowest strong win rate).
   */
  async decideBatch(router: Router, prompts: readonly string[], share: number): Promise<RoutingDecision[]> {
    const rates = await scorePrompts(router, prompts);
    const cut = shareOfBatch(rates, share);
    return rates.map((strongWinRate, index) => {
      const tier: Tier = cut.strong.has(index) ? 'strong' : 'weak';
      return { router: router.name, threshold: cut.threshold, strongWinRate, tier, model: tier === 'strong' ? this.pair.strong : this.pair.weak };
    });
  }

  /**
   * Routes an OpenAI chat request body: validates `model` and `messages`, decides on the
   * last user message's text (routingText), and returns the body to forward with `model` replaced.
   * Every other field is passed through untouched.
   */
  async routeChat(body: Readonly<Record<string, unknown>>): Promise<{ decision: RoutingDecision; forward: Record<string, unknown> }> {
    const target = this.resolveTarget(body['model']);
    const prompt = routingText(body['messages']);
    // Over a list each model's cost is priced at the whole request: every message in, max_tokens out.
    const decision = await this.decide(target, prompt, 'kind' in target ? requestTokens(body) : undefined);
    return { decision, forward: { ...body, model: decision.model } };
  }
}

