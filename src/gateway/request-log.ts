import { pino, type DestinationStream, type Logger } from 'pino';

/** One finished request: the fields of its log line. Only what is listed here is ever logged. */
export interface RequestLogRecord {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly router?: string | undefined;
  readonly threshold?: number | undefined;
  readonly strongWinRate?: number | undefined;
  /** The model routed to. */
  readonly routedModel?: string | undefined;
  /** The model that answered (differs after a fallback). */
  readonly model?: string | undefined;
  readonly attempts?: number | undefined;
  readonly fallbackFrom?: string | undefined;
  readonly stream?: boolean | undefined;
  readonly ttfbMs?: number | undefined;
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly costUsd?: number | undefined;
  /** The error message sent to the client, for 4xx/5xx. */
  readonly error?: string | undefined;
  /** The routing text; logged only with `--log-prompts`. */
  readonly prompt?: string | undefined;
}

/**
 * Log bytes held while stderr's reader is slow. Writes to stderr are asynchronous, so a
 * slow log reader (a full pipe) never stalls request handling; past this bound lines are
 * dropped rather than buffered without limit.
 */
export const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Paths pino blanks whatever reaches them: a second guard, since records are built from
 * an allow-list and never carry headers or keys in the first place.
 */
export const REDACTED_PATHS = [
  'authorization',
  'apiKey',
  'api_key',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  '*.authorization',
  '*.apiKey',
  '*.api_key',
];

/**
 * One JSON line per request through pino. Prompt text is dropped unless `logPrompts`;
 * keys never enter a record, and pino's `redact` blanks the usual key fields anyway.
 */
export class RequestLog {
  readonly logger: Logger;
  readonly #logPrompts: boolean;

  /** `destination` defaults to stderr (fd 2), written asynchronously with a bounded buffer. */
  constructor(options: { destination?: DestinationStream; logPrompts?: boolean; level?: string } = {}) {
    this.#logPrompts = options.logPrompts ?? false;
    this.logger = pino(
      {
        level: options.level ?? 'info',
        base: undefined,
        messageKey: 'msg',
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      options.destination ?? pino.destination({ dest: 2, sync: false, maxLength: MAX_PENDING_LOG_BYTES }),
    );
  }

  /** Writes out what is buffered (on shutdown). */
  flush(): void {
    this.logger.flush();
  }

  /** Writes the line for one finished request. */
  request(record: RequestLogRecord): void {
    const line: Record<string, unknown> = {
      request_id: record.requestId,
      method: record.method,
      path: record.path,
      status: record.status,
      latency_ms: round3(record.latencyMs),
    };
    put(line, 'router', record.router);
    put(line, 'threshold', record.threshold);
    put(line, 'strong_win_rate', record.strongWinRate);
    put(line, 'routed_model', record.routedModel);
    put(line, 'model', record.model);
    put(line, 'attempts', record.attempts);
    put(line, 'fallback_from', record.fallbackFrom);
    put(line, 'stream', record.stream);
    put(line, 'ttfb_ms', record.ttfbMs === undefined ? undefined : round3(record.ttfbMs));
    put(line, 'input_tokens', record.inputTokens);
    put(line, 'output_tokens', record.outputTokens);
    put(line, 'cost_usd', record.costUsd);
    put(line, 'error', record.error);
    if (this.#logPrompts) put(line, 'prompt', record.prompt);
    const level = record.status >= 500 ? 'error' : record.status >= 400 ? 'warn' : 'info';
    this.logger[level](line, 'request');
  }
}

function put(line: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) line[key] = value;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
