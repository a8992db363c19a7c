import type { Audience } from '../audience.js';
import { RouterError, RoutingError } from '../errors.js';
import { parseModelName } from '../parse-model-name.js';
import { unknownRouterError } from '../registry.js';
import { boundedRoutingText } from '../routing-text.js';
import { DEFAULT_SHARE_WINDOW, ShareCalibrator } from '../shares/share-calibrator.js';
import { chooseByShortfall, costScale, shortfalls } from './choose-model.js';
import { CostShareTrack } from './cost-share-track.js';
import { ListBudgetTrack } from './list-budget-track.js';
import type { PricedShortfalls } from './knob-for-cost-share.js';
import { expectedCosts, scoreColumns, type ModelList } from './model-list.js';
import { requestCosts, typicalCostUnit, type RequestCosts } from './request-costs.js';
import { promptTokens, TYPICAL_REQUEST_TOKENS, type RequestTokens } from './request-tokens.js';
import type { ModelScorer } from './model-scorer.js';

/** A list router and its knob, resolved from a model name (`router-knn-0.2`, `router-knn-30%`). */
export interface ListTarget {
  readonly kind: 'list';
  readonly scorer: ModelScorer;
  /** The knob t of the rule (choose-model.ts); for a share, 0 until the window has cut one. */
  readonly knob: number;
  /** The asked cost share (0..1) of the way from the all-cheapest to the all-strongest bill. */
  readonly share?: number;
  /** The budget in USD per hour (`router-knn-$20/h`) for every call routed with the name. */
  readonly budget?: number;
}

/** What the rule saw and chose over a list, for headers, logs, `route --json` and the library. */
export interface ListChoice {
  /** The chosen model's place in the list (0 = cheapest). */
  readonly index: number;
  /** The list's model names, in order. */
  readonly models: readonly string[];
  /** Every model's predicted quality, list order. */
  readonly qualities: Float64Array;
  /** q_ref - q_m, list order. */
  readonly shortfalls: Float64Array;
  /** The expected cost of this request weighed, USD, list order. */
  readonly costs: Float64Array;
  /** The tokens the costs were priced at (the request's estimate; undefined with fixed costs). */
  readonly tokens?: RequestTokens;
}

/**
 * A list router's predictions on a sample of its own training prompts
 * (`datasets/calibration/list-prior-<router>.json`, `npm run calibration:lists`): a cost share's
 * window starts full of them, priced at this list's prices (at the live prompts' tokens once there
 * are some: CostShareWindow), and live prompts push them out; so the first requests of a share
 * are cut on the router's training traffic plus what came so far, as a pair's share starts from
 * its calibration table.
 */
export interface ListPrior {
  /** Per prompt, each of the router's models' predicted quality, in the router's model order. */
  readonly qualities: readonly ArrayLike<number>[];
  /** Per prompt, its estimated input tokens (priced with the typical answer out, until a live prompt prices it). */
  readonly inputTokens: readonly number[];
}

export interface ListRoutingOptions {
  readonly models: ModelList;
  /** The routers over a list, by name (`knn`, `mf`); each must score every model of the list. */
  readonly scorers: ReadonlyMap<string, ModelScorer>;
  /**
   * Fixed expected costs per request in USD, list order, weighed for every prompt whatever its
   * length (calibrate without prices, tests). Default: each request's own costs from the models'
   * prices at its tokens, on the scale of the typical request (request-costs.ts).
   */
  readonly costs?: ArrayLike<number>;
  /** Prompts a share's knob is cut on (default 200, as two-model shares). */
  readonly shareWindow?: number;
  /**
   * Keeps the share windows (serve's, with the pair's: saved by `--share-state`, shared through
   * Redis and between `--workers`, kept across reloads); without it they live in this object.
   */
  readonly liveShares?: ShareCalibrator;
  /** How errors name the list, e.g. `config.yaml: models`. */
  readonly where?: string;
  /** Who its errors address (default `cli`: serve's words); the library's Controller says `library`. */
  readonly audience?: Audience;
  /** Where each router's shares start (ListPrior), by router name; a router without one starts empty. */
  readonly priors?: ReadonlyMap<string, ListPrior>;
}

/** A list decision as the Decider returns it: the model, the knob in force, and what the rule saw. */
export interface ListDecision {
  readonly router: string;
  readonly threshold: number;
  readonly model: string;
  readonly list: ListChoice;
  /** For a budget name: told each answer's real cost and what was expected, so the budget can hold. */
  readonly budget?: { spend(usd: number, expectedUsd?: number): void };
}

/**
 * Routing over an ordered list of models (docs/multi-model.md): turns `router-<r>-<knob>` and
 * `router-<r>-<share>%` into a list router and a knob, and decides with the rule of
 * choose-model.ts. A share is held on the prompts routed with it (the last `shareWindow`), the
 * knob cut by knobForCostShare before each decision, the prompt itself included. No I/O.
 */
export class ModelListRouting {
  readonly models: ModelList;
  readonly names: readonly string[];
  readonly costs: Float64Array;
  readonly scaled: Float64Array;
  /** The typical request's step, the cost unit, when costs come from each request's tokens. */
  readonly #unit: number | undefined;
  readonly #scorers: ReadonlyMap<string, ModelScorer>;
  readonly #audience: Audience;
  readonly #columns = new Map<string, Int32Array>();
  readonly #liveShares: ShareCalibrator;
  readonly #fingerprints = new Map<string, string>();
  readonly #priors: ReadonlyMap<string, ListPrior>;
  readonly #priorRows = new Map<string, PricedShortfalls[]>();

  constructor(options: ListRoutingOptions) {
    this.models = options.models;
    this.names = options.models.map((entry) => entry.name);
    if (options.costs === undefined) {
      const unpriced = options.models.find((entry) => entry.price === undefined);
      if (unpriced) throw new RangeError(`model "${unpriced.name}" has no price; give costs or a price on every model`);
      this.costs = expectedCosts(options.models, TYPICAL_REQUEST_TOKENS.input, TYPICAL_REQUEST_TOKENS.output);
      this.#unit = typicalCostUnit(options.models);
    } else this.costs = Float64Array.from(options.costs);
    if (this.costs.length !== this.models.length) throw new RangeError(`${this.costs.length} costs for ${this.models.length} models`);
    this.scaled = costScale(this.costs, this.models.length - 1);
    this.#scorers = options.scorers;
    this.#audience = options.audience ?? 'cli';
    this.#liveShares = options.liveShares ?? new ShareCalibrator({ window: options.shareWindow ?? DEFAULT_SHARE_WINDOW });
    this.#priors = options.priors ?? new Map();
    for (const [name, scorer] of options.scorers) this.#columns.set(name, scoreColumns(options.models, scorer.models, name, options.where ?? 'models'));
  }

  routerNames(): string[] {
    return [...this.#scorers.keys()];
  }

  scorer(name: string): ModelScorer {
    const scorer = this.#scorers.get(name);
    if (!scorer) throw unknownRouterError(name, this.routerNames(), this.#audience);
    return scorer;
  }

  /**
   * What a share window of `router` over this list means something for: the router's weights, the
   * router's models this list's entries stand for, in list order (the shortfalls' columns), and
   * the typical request's costs (the scale its entries' costs are on).
   */
  shareFingerprint(name: string): string {
    const scorer = this.scorer(name);
    let fingerprint = this.#fingerprints.get(name);
    if (fingerprint === undefined) {
      const columns = this.#columns.get(name) as Int32Array;
      fingerprint = `${scorer.fingerprint}|list:${Array.from(columns, (column) => scorer.models[column]).join(',')}|costs:${Array.from(this.costs).join(',')}`;
      this.#fingerprints.set(name, fingerprint);
    }
    return fingerprint;
  }

  /** Opens the share of a window saved for this list (`--share-state`, Redis), so the stats show it before its first request. */
  openSaved(router: string, fingerprint: string, share: number): void {
    if (!this.#scorers.has(router) || this.shareFingerprint(router) !== fingerprint) return;
    this.#track(router, share);
  }

  /** `router-knn-0.2` -> knn and knob 0.2; `router-knn-30%` -> knn and a cost share of 30%. */
  resolve(model: unknown): ListTarget {
    const parsed = parseModelName(model, { knob: true });
    const scorer = this.scorer(parsed.router);
    const spec = parsed.threshold;
    if (spec.kind === 'win-rate') return { kind: 'list', scorer, knob: spec.value };
    if (spec.kind === 'strong-share') return { kind: 'list', scorer, knob: 0, share: spec.share };
    if (this.#liveShares.budgetRefusal === 'not-live') {
      throw new RoutingError('a budget like router-knn-$20/h is held on live traffic by routellm serve only; give a knob like 0.2 or a cost share like 30%', {
        param: 'model',
        code: 'invalid_threshold',
      });
    }
    return { kind: 'list', scorer, knob: 0, budget: spec.usdPerHour };
  }

  /** Each model's predicted quality on the prompt, list order (checked: a NaN would route at random). */
  async qualities(scorer: ModelScorer, prompt: string): Promise<Float64Array> {
    const scores = await scorer.scores(boundedRoutingText(prompt));
    const columns = this.#columns.get(scorer.name) as Int32Array;
    return Float64Array.from(columns, (column, index) => {
      const quality = scores[column] as number;
      if (!(quality >= 0 && quality <= 1)) {
        throw new RouterError(`router "${scorer.name}" returned an invalid quality ${quality} for "${this.names[index]}"`);
      }
      return quality;
    });
  }

  /**
   * Decides for one prompt: the rule at the target's knob, or at the knob its share's window cuts,
   * weighing each model's cost of this request (`tokens`; default the prompt alone in and the
   * typical answer out), unless the costs are fixed.
   */
  async decide(target: ListTarget, prompt: string, tokens?: RequestTokens): Promise<ListDecision> {
    const qualities = await this.qualities(target.scorer, prompt);
    const losses = shortfalls(qualities, this.models.length - 1);
    const asked = this.#unit === undefined ? undefined : (tokens ?? promptTokens(prompt));
    const priced: RequestCosts = asked === undefined ? { costs: this.costs, scaled: this.scaled, step: 1 } : requestCosts(this.models, asked, this.#unit as number);
    let knob = target.knob;
    let index: number;
    let budget: ListBudgetTrack | undefined;
    if (target.budget !== undefined) {
      budget = this.#budget(target.scorer.name, target.budget);
      ({ knob, index } = budget.decide(losses, priced.scaled, priced.step, priced.costs));
    } else if (target.share !== undefined) ({ knob, index } = this.#track(target.scorer.name, target.share).decide(losses, priced.scaled, priced.step));
    else index = chooseByShortfall(losses, priced.scaled, knob);
    return {
      router: target.scorer.name,
      threshold: knob,
      model: this.names[index] as string,
      list: { index, models: this.names, qualities, shortfalls: losses, costs: priced.costs, ...(asked ? { tokens: asked } : {}) },
      ...(budget ? { budget } : {}),
    };
  }

  #track(router: string, share: number): CostShareTrack {
    const live = this.#liveShares;
    const tracked = { name: router, fingerprint: this.shareFingerprint(router) };
    return live.listTrack(tracked, share, () => new CostShareTrack(tracked, share, this.scaled, live.windowSize, live.sharing, this.#prior(router)));
  }

  #budget(router: string, usdPerHour: number): ListBudgetTrack {
    const live = this.#liveShares;
    const tracked = { name: router, fingerprint: this.shareFingerprint(router) };
    return live.listBudgetTrack(tracked, usdPerHour, (now) => new ListBudgetTrack(tracked, { usdPerHour, windowSize: live.windowSize, now, scaled: this.scaled, prior: this.#prior(router) }));
  }

  /** The router's prior prompts as this list weighs them: shortfalls over its models, priced at its prices. */
  #prior(router: string): PricedShortfalls[] {
    let rows = this.#priorRows.get(router);
    if (rows === undefined) {
      const prior = this.#priors.get(router);
      const columns = this.#columns.get(router) as Int32Array;
      const reference = this.models.length - 1;
      rows = (prior?.qualities ?? []).map((row, i) => {
        const losses = shortfalls(Float64Array.from(columns, (column) => row[column] as number), reference);
        if (this.#unit === undefined) return { losses, scaled: this.scaled, step: 1 };
        const { scaled, step } = requestCosts(this.models, { input: prior?.inputTokens[i] ?? TYPICAL_REQUEST_TOKENS.input, output: TYPICAL_REQUEST_TOKENS.output }, this.#unit);
        return { losses, scaled, step };
      });
      this.#priorRows.set(router, rows);
    }
    return rows;
  }
}

/** A choice's predicted qualities as an object, model -> quality, in list order (logs, JSON). */
export function qualitiesByModel(choice: Pick<ListChoice, 'models' | 'qualities'>): Record<string, number> {
  return Object.fromEntries(choice.models.map((model, index) => [model, choice.qualities[index] as number]));
}
