import { routingText, type RoutingDecision } from '../../core/index.js';
import { promptSampleLine } from '../../label/prompt-sample.js';

/** Where sampled lines go: the SampleFile (a queue; never blocks). */
export interface SampleSink {
  push(line: string): void;
}

export interface PromptSamplerOptions {
  /** Share of routed requests kept, in [0, 1]. */
  readonly rate: number;
  /** Request body fields copied under `fields` (`--sample-fields`); none by default. */
  readonly fields?: readonly string[];
  readonly sink: SampleSink;
  /** Uniform in [0, 1); injected so tests can choose. */
  readonly random?: () => number;
  /** Wall clock for the line's timestamp. */
  readonly now?: () => Date;
}

/**
 * `serve --sample-prompts`: keeps a random share of routed requests as `label`'s prompt lines
 * (src/label/prompt-sample.ts). On the request path, so it does no I/O: a request not drawn costs
 * one random number; one drawn, its routing text and one JSON line handed to the sink's queue.
 * Never the client's key (headers are not seen here) and no request field but those listed.
 */
export class PromptSampler {
  readonly rate: number;
  readonly fields: readonly string[];
  readonly #sink: SampleSink;
  readonly #random: () => number;
  readonly #now: () => Date;

  constructor(options: PromptSamplerOptions) {
    this.rate = options.rate;
    this.fields = options.fields ?? [];
    this.#sink = options.sink;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => new Date());
  }

  /** A request was routed: keep it with probability `rate`. */
  offer(decision: RoutingDecision, body: Readonly<Record<string, unknown>>): void {
    if (!(this.#random() < this.rate)) return;
    let prompt: string;
    try {
      prompt = routingText(body['messages']);
    } catch {
      return; // routed already, so this does not happen; a sample is never worth failing a request
    }
    if (prompt.trim() === '') return;
    let fields: Record<string, unknown> | undefined;
    for (const name of this.fields) {
      if (body[name] === undefined) continue;
      fields ??= {};
      fields[name] = body[name];
    }
    this.#sink.push(
      promptSampleLine({
        timestamp: this.#now().toISOString(),
        prompt,
        router: decision.router,
        threshold: decision.threshold,
        strong_win_rate: decision.strongWinRate,
        model: decision.model,
        ...(fields ? { fields } : {}),
      }),
    );
  }
}
