import { openAIErrorObject } from '../errors/http-error.js';
import { MalformedUpstreamError } from '../../upstream/malformed-upstream-error.js';

/** Largest single SSE event accepted from upstream; bigger means a broken upstream, not a chunk. */
export const MAX_SSE_EVENT_BYTES = 1024 * 1024;

/** What one `push` produced. */
export interface RelayOutput {
  /** Bytes to send to the client (may be empty; always empty when collecting chunks). */
  readonly text: string;
  /** The events' parsed chunks, in order, when collecting chunks (in-process); else empty. */
  readonly chunks: readonly unknown[];
  /** Set once `data: [DONE]` went by. */
  readonly done: boolean;
}

/** What a relay hands on: SSE text for an HTTP client (`text`), or each event's parsed chunk for an in-process caller (`chunks`). */
export type RelayCollect = 'text' | 'chunks';

const NO_CHUNKS: readonly unknown[] = [];

/** Finds a chunk that carries usage totals (not `"usage":null`) without parsing every chunk. */
const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/**
 * Reads an upstream chat-completion SSE stream event by event and re-emits it for the client:
 * validates the events, captures the `usage` totals, and drops the usage-only chunk
 * (`choices: []` with `usage`) when the client did not ask for usage. Other events are
 * forwarded byte for byte, but for an upstream error event missing some of OpenAI's four error
 * fields, which is filled out. Buffers at most one event (`MAX_SSE_EVENT_BYTES`).
 * The first event, and any that carries usage or an error, is parsed in full (it decides
 * fallback, cost and the end); later content chunks only need to look like one JSON
 * object, which keeps the streaming hot path from parsing every token twice.
 * Throws MalformedUpstreamError on anything that is not OpenAI's stream shape.
 */
export class SseRelay {
  readonly #keepUsageChunk: boolean;
  /** Null when relaying text; the chunks of the current push when collecting them. */
  #chunks: unknown[] | null;
  #buffer = '';
  #done = false;
  #events = 0;
  /** The last `usage` object the upstream sent, raw. */
  usage: unknown = undefined;
  /** The `model` of the upstream's chunks, when it named one. */
  model: string | undefined = undefined;
  /** An `error` object the upstream sent inside the stream, when it did. */
  upstreamError: unknown = undefined;

  constructor(options: { keepUsageChunk: boolean; collect?: RelayCollect }) {
    this.#keepUsageChunk = options.keepUsageChunk;
    this.#chunks = options.collect === 'chunks' ? [] : null;
  }

  /** True once `data: [DONE]` went by: the answer is whole. */
  get done(): boolean {
    return this.#done;
  }

  /** Events seen so far; 0 means nothing has been forwarded and the attempt may still fall back. */
  get events(): number {
    return this.#events;
  }

  /** Feeds upstream text (decode with a streaming TextDecoder so characters split across chunks survive). */
  push(text: string): RelayOutput {
    const buffer = this.#buffer === '' ? text : this.#buffer + text;
    // Events are cut out by position; the buffer is sliced once per push, not once per event.
    const crlf = buffer.includes('\r');
    let start = 0;
    let out = '';
    for (;;) {
      const end = findEventEnd(buffer, start, crlf);
      if (end === undefined) break;
      out += this.#event(buffer.slice(start, end.index));
      start = end.index + end.length;
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
    if (this.#buffer.length > MAX_SSE_EVENT_BYTES) {
      throw new MalformedUpstreamError(`the upstream sent a stream event over ${MAX_SSE_EVENT_BYTES} bytes`);
    }
    return { text: out, chunks: this.#takeChunks(), done: this.#done };
  }

  /** The upstream closed: throws unless the stream ended with `data: [DONE]` (or the upstream's own error event). */
  end(): RelayOutput {
    const rest = this.#buffer.trim() === '' ? '' : this.#event(this.#buffer);
    this.#buffer = '';
    if (!this.#done && this.upstreamError === undefined) {
      throw new MalformedUpstreamError('the upstream closed the stream before data: [DONE]');
    }
    return { text: rest, chunks: this.#takeChunks(), done: this.#done };
  }

  #takeChunks(): readonly unknown[] {
    const chunks = this.#chunks;
    if (chunks === null || chunks.length === 0) return NO_CHUNKS;
    this.#chunks = [];
    return chunks;
  }

  /** An event goes on: as its text, or (collecting chunks) as its parsed chunk. */
  #forward(raw: string, chunk: unknown): string {
    if (this.#chunks === null) return `${raw}\n\n`;
    this.#chunks.push(chunk);
    return '';
  }

  #event(raw: string): string {
    let data: string | undefined;
    // Nearly every event is one `data: {...}` line: no need to split it into lines.
    if (raw.startsWith('data: ') && !raw.includes('\n') && !raw.includes('\r')) data = raw.slice(6);
    else if (raw.trim() === '') return '';
    else data = dataOf(raw);
    if (data === undefined) return this.#chunks === null ? `${raw}\n\n` : '';
    if (this.#done) throw new MalformedUpstreamError('the upstream sent data after data: [DONE]');
    this.#events += 1;
    if (data.trim() === '[DONE]') {
      this.#done = true;
      return this.#chunks === null ? `${raw}\n\n` : '';
    }
    const trimmed = data.trim();
    if (this.#chunks === null && this.#events > 1 && !USAGE_OBJECT.test(data) && !data.includes('"error"')) {
      if (trimmed.startsWith('{') && trimmed.endsWith('}')) return `${raw}\n\n`;
      throw new MalformedUpstreamError(`the upstream sent a stream event that is not a JSON object: ${preview(data)}`);
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new MalformedUpstreamError(`the upstream sent a stream event that is not JSON: ${preview(data)}`);
    }
    if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) {
      throw new MalformedUpstreamError(`the upstream sent a stream event that is not a JSON object: ${preview(data)}`);
    }
    const record = chunk as Record<string, unknown>;
    if ('error' in record && !('choices' in record)) {
      this.upstreamError = record['error'];
      if (this.#chunks !== null) return this.#forward(raw, { ...record, error: filledError(record['error']) });
      return `${openAIErrorEvent(raw, record)}\n\n`;
    }
    if (!Array.isArray(record['choices'])) {
      throw new MalformedUpstreamError(`the upstream sent a stream chunk without choices: ${preview(data)}`);
    }
    if (typeof record['model'] === 'string') this.model = record['model'];
    const usage = record['usage'];
    if (usage !== undefined && usage !== null) {
      this.usage = usage;
      if (!this.#keepUsageChunk && record['choices'].length === 0) return '';
    }
    return this.#forward(raw, record);
  }
}

/**
 * An upstream's error event with its `error` filled out to OpenAI's four fields (the SDK and
 * other clients read `code`/`param`; some servers send only `message` and `type`): the
 * upstream's values kept, `param` and `code` null when missing. An event already complete
 * goes on byte for byte; otherwise its data line is rewritten and its other lines kept.
 */
function openAIErrorEvent(raw: string, record: Record<string, unknown>): string {
  const error = record['error'];
  if (isCompleteError(error)) return raw;
  const full = filledError(error);
  const data = `data: ${JSON.stringify({ ...record, error: full })}`;
  if (raw.startsWith('data: ') && !raw.includes('\n') && !raw.includes('\r')) return data;
  const others = raw.split(/\r\n|\r|\n/).filter((line) => line !== '' && line !== 'data' && !line.startsWith('data:'));
  return [...others, data].join('\n');
}

/** An upstream's `error` filled out to OpenAI's four fields (itself when it already has them). */
function filledError(error: unknown): unknown {
  if (isCompleteError(error)) return error;
  return openAIErrorObject(error, {
    message: typeof error === 'string' ? error : 'the upstream sent an error event without a message',
    type: 'server_error',
  });
}

function isCompleteError(error: unknown): boolean {
  if (error === null || typeof error !== 'object' || Array.isArray(error)) return false;
  const fields = error as Record<string, unknown>;
  return (
    typeof fields['message'] === 'string' &&
    typeof fields['type'] === 'string' &&
    (fields['param'] === null || typeof fields['param'] === 'string') &&
    (fields['code'] === null || typeof fields['code'] === 'string')
  );
}

/** The `data` of an event of several lines (fields joined by \n); undefined when it has none. */
function dataOf(raw: string): string | undefined {
  let data: string | undefined;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field !== 'event' && field !== 'id' && field !== 'retry') {
      throw new MalformedUpstreamError(`the upstream sent a malformed stream line: ${preview(line)}`);
    }
  }
  return data;
}

const EVENT_END = /\r\n\r\n|\n\n|\r\r/g;

/** The first blank line at or after `from`; `crlf` false (no \r in the buffer) allows a plain search. */
function findEventEnd(buffer: string, from: number, crlf: boolean): { index: number; length: number } | undefined {
  // SSE allows \n, \r\n and \r line ends; a blank line ends an event.
  if (!crlf) {
    const index = buffer.indexOf('\n\n', from);
    return index < 0 ? undefined : { index, length: 2 };
  }
  EVENT_END.lastIndex = from;
  const match = EVENT_END.exec(buffer);
  return match ? { index: match.index, length: match[0].length } : undefined;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
