import type { Stream } from 'openai/core/streaming';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ChatPipeline } from '../server/chat/chat-pipeline.js';
import { validateChatFields } from '../server/chat/chat-request-guard.js';
import { newRequestId } from '../server/chat/request-id.js';
import type { RequestRecord } from '../server/chat/request-record.js';
import { routingHeadersOf } from '../server/chat/routing-headers.js';
import { relayStream } from '../server/chat/stream-answer.js';
import { httpErrorFor } from '../server/errors/http-error.js';
import { RequestError } from '../server/errors/request-error.js';
import { LightAbort } from '../upstream/light-abort.js';
import { toAPIError, type CallerStop } from './api-errors.js';
import { ChunkReader, chunkStream } from './chunk-reader.js';
import { publicDecision, RoutedPromise, type RoutedResponse } from './routed-promise.js';

/** Per-call options, as the `openai` SDK's `create` takes them (`headers`, `maxRetries` and the like have nothing to do in-process). */
export interface ChatRequestOptions {
  /** Aborts the call: an APIUserAbortError before the answer, the end of the iteration for a stream already under way. */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds the call may take, answer or stream whole (under the Controller's `deadline`); past it, an APIConnectionTimeoutError. */
  readonly timeout?: number | undefined;
}

/** Where an in-process call's log line (if anyone logs) says it came from. */
const IN_PROCESS = { method: 'POST', path: '/v1/chat/completions', chat: true } as const;

/**
 * `controller.chat.completions`: the in-process adapter over the chat pipeline serve answers with
 * (routing, the concurrency limit, clocks and fallback, accounting, live shares). Takes and returns
 * the `openai` package's own types and raises its errors.
 */
export class ChatCompletions {
  readonly #pipeline: ChatPipeline;
  readonly #ensureOpen: () => void;

  private constructor(pipeline: ChatPipeline, ensureOpen: () => void) {
    this.#pipeline = pipeline;
    this.#ensureOpen = ensureOpen;
  }

  /** @internal `chat.completions` over a pipeline; `ensureOpen` throws once its Controller is closed. */
  static over(pipeline: ChatPipeline, ensureOpen: () => void): ChatCompletions {
    return new ChatCompletions(pipeline, ensureOpen);
  }

  /**
   * Routes a chat completion request (`model: "router-<router>-<threshold>"`) and answers it from the
   * model chosen: a `ChatCompletion`, or for `stream: true` the SDK's `Stream` of `ChatCompletionChunk`.
   * `await` it for the answer, or call `.withDecision()` on it for the answer with its routing.
   */
  create(params: ChatCompletionCreateParamsNonStreaming, options?: ChatRequestOptions): RoutedPromise<ChatCompletion>;
  create(params: ChatCompletionCreateParamsStreaming, options?: ChatRequestOptions): RoutedPromise<Stream<ChatCompletionChunk>>;
  create(params: ChatCompletionCreateParams, options?: ChatRequestOptions): RoutedPromise<ChatCompletion | Stream<ChatCompletionChunk>>;
  create(params: ChatCompletionCreateParams, options: ChatRequestOptions = {}): RoutedPromise<ChatCompletion | Stream<ChatCompletionChunk>> {
    return RoutedPromise.of(this.#answer(params, options));
  }

  async #answer(params: ChatCompletionCreateParams, options: ChatRequestOptions): Promise<RoutedResponse<ChatCompletion | Stream<ChatCompletionChunk>>> {
    try {
      this.#ensureOpen();
    } catch (error) {
      // Before the request's record: a closed Controller's call is no request, in stats or logs.
      throw toAPIError(error, undefined, {});
    }
    const pipeline = this.#pipeline;
    const record = pipeline.begin(newRequestId(), IN_PROCESS);
    const abort = new LightAbort();
    const caller = linkCaller(abort, options);
    let opened: Awaited<ReturnType<ChatPipeline['open']>>;
    try {
      if (caller.stopped() !== undefined) throw abort.reason;
      const body = checkedBody(params, record);
      opened = await pipeline.open(record, { body }, abort, 'chunks');
    } catch (error) {
      const stop = caller.stopped();
      caller.unlink();
      throw finishFailed(record, error, stop);
    } finally {
      // The SDK's `timeout` runs until the answer (a stream's first chunk); the signal stays tied to a stream.
      caller.clearTimeout();
    }
    const { decision, lease } = opened;
    const answer = lease.value;
    const routed = { decision: publicDecision(decision), model: lease.model, attempts: lease.attempts, fallbackFrom: lease.fallbackFrom, requestId: record.requestId, ...(lease.tried ? { tried: lease.tried } : {}) };
    if (answer.kind === 'json') {
      caller.unlink();
      record.usage(answer.usage);
      lease.end('ok');
      record.finish(200);
      return { ...routed, data: answer.completion as unknown as ChatCompletion };
    }
    const reader = new ChunkReader(lease.signal);
    const controller = new AbortController();
    // The stream's own controller, the caller's signal and its timeout all stop the call.
    controller.signal.addEventListener('abort', () => {
      reader.leave();
      abort.abort(controller.signal.reason);
    });
    caller.onStop(() => controller.abort());
    const headers = { 'x-request-id': record.requestId, ...routingHeadersOf(record) };
    void relayStream(answer, reader, lease, record).finally(() => {
      caller.unlink();
      if (answer.drainingAfterDone !== true) void answer.source.return?.();
      record.finish(reader.status);
    });
    return { ...routed, data: chunkStream(reader, controller, headers) };
  }
}

/**
 * The request, checked as serve's request guard checks a body: an object, `messages` and the known
 * fields of the right types (`model` is the Decider's to check). A refusal counts as a bad request.
 */
function checkedBody(params: unknown, record: RequestRecord): Readonly<Record<string, unknown>> {
  try {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new RequestError(400, 'the request must be an object with "model" and "messages"', { code: 'invalid_json' });
    }
    validateChatFields(params as Readonly<Record<string, unknown>>);
    return params as Readonly<Record<string, unknown>>;
  } catch (error) {
    record.reject('bad_request');
    throw error;
  }
}

/** Records a call that failed before its answer (its status as serve would have sent it; 499 when the caller stopped it) and makes the SDK's error. */
function finishFailed(record: RequestRecord, error: unknown, stop: CallerStop) {
  const headers = { 'x-request-id': record.requestId, ...routingHeadersOf(record, error) };
  const apiError = toAPIError(error, stop, headers);
  record.failed(error, stop === undefined ? httpErrorFor(error).body.error.message : apiError.message);
  record.finish(stop === undefined ? httpErrorFor(error).status : 499);
  return apiError;
}

/** The caller's signal and timeout, tied to the call's own abort; `unlink` when the call is over. */
function linkCaller(abort: LightAbort, options: ChatRequestOptions) {
  let stop: CallerStop;
  const listeners: (() => void)[] = [];
  const stopWith = (why: Exclude<CallerStop, undefined>, reason: unknown) => {
    if (stop !== undefined) return;
    stop = why;
    abort.abort(reason);
    for (const listener of listeners) listener();
  };
  const signal = options.signal;
  const onAbort = () => stopWith('abort', signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.timeout === undefined ? undefined : setTimeout(() => stopWith('timeout', new Error(`the call took longer than its timeout of ${options.timeout} ms`)), options.timeout);
  timer?.unref();
  return {
    stopped: (): CallerStop => stop,
    onStop(listener: () => void) {
      if (stop !== undefined) listener();
      else listeners.push(listener);
    },
    clearTimeout() {
      if (timer !== undefined) clearTimeout(timer);
    },
    unlink() {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
