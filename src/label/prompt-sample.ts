/**
 * One line of the prompt sample that `serve --sample-prompts FILE` appends (JSONL, one routed
 * request per line) and `label --prompts FILE` reads as it is: label takes the `prompt` field
 * and ignores the rest. The field names are `route --json`'s, so the three files read alike.
 *
 * ```json
 * {"timestamp":"2025-06-01T12:00:00.000Z","prompt":"Prove that ...","router":"mf","threshold":0.116,"strong_win_rate":0.41,"model":"gpt-4o"}
 * ```
 *
 * Never the client's key or any other request field, except those `--sample-fields` lists,
 * which go under `fields`.
 */
export interface PromptSample {
  /** When the request was routed: ISO 8601, UTC. */
  readonly timestamp: string;
  /** The text the router scored (core's routingText: the last user message's text), whole (not cut to the routing bound). */
  readonly prompt: string;
  /** The router that decided, e.g. `mf`. */
  readonly router: string;
  /** The threshold it decided with (a share like `router-mf-30%` resolved to its win rate). */
  readonly threshold: number;
  /** The router's strong-model win rate for the prompt. */
  /** Absent over a models: list (no pair, no win rate). */
  readonly strong_win_rate?: number | undefined;
  /** The model the request was routed to. */
  readonly model: string;
  /** Request fields named by `--sample-fields`, when any. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** The sample as one JSONL line, newline included, keys in the documented order. */
export function promptSampleLine(sample: PromptSample): string {
  const { timestamp, prompt, router, threshold, strong_win_rate, model, fields } = sample;
  return `${JSON.stringify({ timestamp, prompt, router, threshold, strong_win_rate, model, ...(fields ? { fields } : {}) })}\n`;
}
