import { pino, type DestinationStream, type Logger } from 'pino';
import { qualitiesByModel } from '../../core/index.js';
import type { RequestLogRecord } from './chat-observer.js';

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
  #logPrompts: boolean;
  readonly #destination: DestinationStream;
  /**
   * True for the default destination (stderr through pino's asynchronous sonic-boom writer):
   * request lines are then held and handed over once per turn of the event loop. sonic-boom
   * appends each write to its pending string and measures that whole string's UTF-8 length
   * (flattening it, a copy) on every write, so one write per line while a write is in flight
   * costs in proportion to what is pending. An injected destination (tests, embedders) gets
   * each line as it is made unless `holdLines` says otherwise.
   */
  readonly #holdLines: boolean;
  /** Lines made this turn of the event loop, not yet handed to the destination. */
  #held = '';

  /** `destination` defaults to stderr (fd 2), written asynchronously with a bounded buffer. */
  /** `"worker":N` on every line of a `serve --workers N` worker; empty otherwise. */
  readonly #workerField: string;

  /** `destination` defaults to stderr (fd 2), written asynchronously with a bounded buffer; `worker` marks each line of a --workers worker. */
  constructor(options: { destination?: DestinationStream; logPrompts?: boolean; level?: string; holdLines?: boolean; worker?: number | undefined } = {}) {
    this.#logPrompts = options.logPrompts ?? false;
    this.#workerField = options.worker === undefined ? '' : `,"worker":${options.worker}`;
    this.#holdLines = options.holdLines ?? options.destination === undefined;
    this.#destination = options.destination ?? pino.destination({ dest: 2, sync: false, maxLength: MAX_PENDING_LOG_BYTES });
    this.logger = pino(
      {
        level: options.level ?? 'info',
        base: options.worker === undefined ? undefined : { worker: options.worker },
        messageKey: 'msg',
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        timestamp: pino.stdTimeFunctions.isoTime,
        // Anything the logger writes itself goes after the request lines held before it: order kept.
        hooks: { streamWrite: (line) => this.#takeHeld() + line },
      },
      this.#destination,
    );
  }

  /** Turns prompt text in request lines on or off (`--log-prompts`, known once the config file is read). */
  setLogPrompts(on: boolean): void {
    this.#logPrompts = on;
  }

  /** Writes out what is buffered (on shutdown). */
  flush(): void {
    this.#handOver();
    this.logger.flush();
  }

  /**
   * Writes the line for one finished request. The line is pino's own format (level, time,
   * fields, msg) built by hand: the record is an allow-list of known fields, so pino's
   * generic serialisation and redaction walk (measured: about 40 µs a line, a sixth of the
   * gateway's cost per request) buy nothing here. It goes to the same destination, in order.
   */
  request(record: RequestLogRecord): void {
    // A 200 with an error is a stream that failed after it started: a failure, whatever status went out.
    const level = record.status >= 500 ? 'error' : record.status >= 400 || record.error !== undefined ? 'warn' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    let line = `{"level":${LEVELS[level]},"time":"${isoNow()}"${this.#workerField},"request_id":${str(record.requestId)},"method":${str(record.method)},"path":${str(record.path)},"status":${num(record.status)},"latency_ms":${num(round3(record.latencyMs))}`;
    if (record.clientRequestId !== undefined) line += `,"client_request_id":${str(record.clientRequestId)}`;
    if (record.router !== undefined) line += `,"router":${str(record.router)}`;
    if (record.threshold !== undefined) line += `,"threshold":${num(record.threshold)}`;
    if (record.strongWinRate !== undefined) line += `,"strong_win_rate":${num(record.strongWinRate)}`;
    if (record.budgetProbe === true) line += `,"budget_probe":true`;
    if (record.qualities !== undefined) line += `,"qualities":${JSON.stringify(qualitiesByModel(record.qualities))}`;
    if (record.routedModel !== undefined) line += `,"routed_model":${str(record.routedModel)}`;
    if (record.model !== undefined) line += `,"model":${str(record.model)}`;
    if (record.attempts !== undefined) line += `,"attempts":${num(record.attempts)}`;
    if (record.fallbackFrom !== undefined) line += `,"fallback_from":${str(record.fallbackFrom)}`;
    if (record.stream !== undefined) line += `,"stream":${record.stream ? 'true' : 'false'}`;
    if (record.ttfbMs !== undefined) line += `,"ttfb_ms":${num(round3(record.ttfbMs))}`;
    if (record.inputTokens !== undefined) line += `,"input_tokens":${num(record.inputTokens)}`;
    if (record.outputTokens !== undefined) line += `,"output_tokens":${num(record.outputTokens)}`;
    if (record.costUsd !== undefined) line += `,"cost_usd":${num(record.costUsd)}`;
    if (record.error !== undefined) line += `,"error":${str(record.error)}`;
    if (this.#logPrompts && record.prompt !== undefined) line += `,"prompt":${str(record.prompt)}`;
    line += `,"msg":"request"}\n`;
    if (!this.#holdLines) {
      this.#destination.write(line);
      return;
    }
    if (this.#held === '') {
      setImmediate(this.#handOver);
      holding.add(this);
    }
    this.#held += line;
    // A turn of the loop that makes more than the destination would keep hands over at once (it drops past its bound).
    if (this.#held.length > MAX_PENDING_LOG_BYTES) this.#handOver();
  }

  /** Hands the held lines to the destination, in one write. */
  readonly #handOver = (): void => {
    const held = this.#takeHeld();
    if (held !== '') this.#destination.write(held);
  };

  #takeHeld(): string {
    const held = this.#held;
    if (held !== '') {
      this.#held = '';
      holding.delete(this);
    }
    return held;
  }

  /** On process exit: hands over what is held, before pino's own exit hook writes out its destination. */
  static handOverAll(): void {
    for (const log of holding) log.#handOver();
  }
}

/** Logs holding lines right now. */
const holding = new Set<RequestLog>();
// Registered when this module loads, so before pino's exit hook (registered when the first
// destination is made): lines held in the last turn of the loop still reach stderr on process.exit().
process.on('exit', () => RequestLog.handOverAll());

/** The last ISO time made, and its millisecond: lines within one millisecond share the string. */
let lastIsoMs = -1;
let lastIso = '';

/** `new Date().toISOString()`, made at most once per millisecond. */
function isoNow(): string {
  const now = Date.now();
  if (now !== lastIsoMs) {
    lastIsoMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/** pino's numeric levels. */
const LEVELS = { info: 30, warn: 40, error: 50 } as const;

/** A JSON string; names and ids are plain ASCII almost always, which needs no escaping pass. */
function str(value: string): string {
  return SAFE_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
}
const SAFE_STRING = /^[\w .:/@+=-]*$/;

/** A JSON number (JSON has no NaN or Infinity: pino writes null for them too). */
function num(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
