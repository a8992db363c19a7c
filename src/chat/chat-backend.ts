import type { ModelPrice } from '../config/config-sections.js';
import type { TokenUsage } from '../upstream/price-table.js';

/** One message of the conversation, as `routellm chat` keeps it. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** One answer and how it was routed: what `routellm chat` shows beside it. */
export interface ChatAnswer {
  readonly content: string;
  /** The model that answered (after a fallback, the other one). */
  readonly model: string;
  /** The model the router chose, when a fallback answered instead. */
  readonly fallbackFrom: string | undefined;
  readonly router: string;
  /** The threshold in force: for a share, the live one it stood for. */
  readonly threshold: number;
  /** The strong model's win rate; undefined over a `models:` list, where no one model is the strong one. */
  readonly strongWinRate: number | undefined;
  /** Over a `models:` list: the answering model's predicted quality (serve's x-routellm-quality); undefined over the pair. */
  readonly quality?: number | undefined;
  /** The upstream's token counts, when it sent them. */
  readonly usage: TokenUsage | undefined;
}

/**
 * Where `routellm chat` sends each turn: a running `routellm serve` (serve-chat-backend) or a
 * Controller in this process (controller-chat-backend). Both answer through serve's chat pipeline.
 */
export interface ChatBackend {
  /** Where the answers come from, for the status line: the serve URL or "in-process". */
  readonly where: string;
  /** True over a `models:` list: the threshold is a knob or a cost share, and no model is the strong one. */
  readonly overList: boolean;
  /** The routers a turn may name, in order. */
  readonly routers: readonly string[];
  /**
   * The prices the answers are billed at where they are answered: a serve's (its /v1/routellm/stats
   * `prices`, the models it has a price for); undefined in-process, or when the serve did not say.
   */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined;
  /**
   * Answers the conversation with `model` (`router-<router>-<threshold>`), streamed: `onText` gets the
   * answer so far as it grows; `signal` abandons the call.
   */
  send(messages: readonly ChatMessage[], model: string, signal: AbortSignal, onText: (soFar: string) => void): Promise<ChatAnswer>;
  close(): Promise<void>;
}
