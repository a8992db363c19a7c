import { qualitiesByModel, type RoutingDecision } from '../core/index.js';

/** Every model's predicted quality for one prompt, model -> quality in list order (a list router's scores). */
export type ModelQualities = Readonly<Record<string, number>>;

/** What the router decided for one call (the routing headers serve sends, as fields). */
export interface Decision {
  /** The router that scored the prompt. */
  readonly router: string;
  /** The threshold in force: the one asked for, or for a share (`router-mf-30%`) the live one. */
  readonly threshold: number;
  /** The router's strong win rate for the prompt, in [0, 1]; undefined over a list of models (see `qualities`). */
  readonly strongWinRate?: number | undefined;
  /** `strong` when the win rate reached the threshold; over a list, when the reference (the last model) was chosen. */
  readonly tier: 'strong' | 'weak';
  /** The model routed to. */
  readonly model: string;
  /** Over a list of models: every model's predicted quality, by name, in list order. */
  readonly qualities?: ModelQualities;
  /**
   * True on a budget's cold-start probe (`router-mf-$20/h` before a strong answer's cost is known,
   * docs/shares.md): sent strong although the win rate is below the threshold, to measure what a
   * strong call costs. Absent on every other decision.
   */
  readonly budgetProbe?: true;
}

/** A call's answer and how it was routed and answered. */
export interface RoutedResponse<T> {
  readonly data: T;
  readonly decision: Decision;
  /** The model that answered: the routed one, or the other one after a fallback. */
  readonly model: string;
  /** Upstream attempts made: 1, or 2 after a fallback (over a list, up to the list's length). */
  readonly attempts: number;
  /** Over a list of models: the models tried, in order, the answering one last. */
  readonly tried?: readonly string[];
  /** The routed model that failed, when the other one answered. */
  readonly fallbackFrom: string | undefined;
  /** The request's id (serve's `x-request-id`), as log lines name it. */
  readonly requestId: string;
}

/** The public part of a decision (a budget's bookkeeping stays inside). */
export function publicDecision(decision: RoutingDecision): Decision {
  const list = decision.list;
  if (list) return { router: decision.router, threshold: decision.threshold, tier: decision.tier, model: decision.model, qualities: qualitiesByModel(list) };
  const pair = { router: decision.router, threshold: decision.threshold, strongWinRate: decision.strongWinRate, tier: decision.tier, model: decision.model };
  return decision.budgetProbe ? { ...pair, budgetProbe: true } : pair;
}

/**
 * A promise of `chat.completions.create`'s answer, like the `openai` SDK's APIPromise: await it for
 * the answer, or call `withDecision()` for the answer and its routing in one object. Safe with calls
 * in flight at once: each call's decision travels with its own answer (there is no `lastDecision`).
 */
export class RoutedPromise<T> extends Promise<T> {
  readonly #routed: Promise<RoutedResponse<T>>;
  #data: Promise<T> | undefined;

  private constructor(routed: Promise<RoutedResponse<T>>) {
    super((resolve) => {
      // The value is never read through here: then/catch/finally below answer from `routed`.
      resolve(null as T);
    });
    this.#routed = routed;
  }

  /** @internal The promise of one call's routed answer. */
  static of<T>(routed: Promise<RoutedResponse<T>>): RoutedPromise<T> {
    return new RoutedPromise(routed);
  }

  // Promise methods (then, Promise.all...) make plain promises, not another RoutedPromise.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** The answer with what was routed: `{ data, decision, model, attempts, fallbackFrom, requestId }`. */
  withDecision(): Promise<RoutedResponse<T>> {
    return this.#routed;
  }

  #value(): Promise<T> {
    this.#data ??= this.#routed.then((routed) => routed.data);
    return this.#data;
  }

  override then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.#value().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#value().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#value().finally(onfinally);
  }
}
