import { validateMessages as validateMessageList } from '../../core/index.js';
import { RequestError } from '../errors/request-error.js';
import { checkJsonStructure } from './json-structure.js';

/** Most messages accepted in one request. */
export const MAX_MESSAGES = 10_000;

/** Strict UTF-8; one instance serves every request (decode without `stream` keeps no state). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

type Check = (value: unknown, param: string) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const number =
  (min: number, max: number): Check =>
  (value) =>
    typeof value !== 'number' || !Number.isFinite(value)
      ? `must be a number, got ${describe(value)}`
      : value < min || value > max
        ? `must be between ${min} and ${max}, got ${value}`
        : undefined;

const integer =
  (min: number, max: number): Check =>
  (value) =>
    typeof value !== 'number' || !Number.isSafeInteger(value)
      ? `must be an integer, got ${describe(value)}`
      : value < min || value > max
        ? `must be between ${min} and ${max}, got ${value}`
        : undefined;

const boolean: Check = (value) => (typeof value === 'boolean' ? undefined : `must be true or false, got ${describe(value)}`);
const string: Check = (value) => (typeof value === 'string' ? undefined : `must be a string, got ${describe(value)}`);
const object: Check = (value) => (isObject(value) ? undefined : `must be an object, got ${describe(value)}`);
const stringOrObject: Check = (value) =>
  typeof value === 'string' || isObject(value) ? undefined : `must be a string or an object, got ${describe(value)}`;

const stop: Check = (value) => {
  if (typeof value === 'string') return undefined;
  if (!Array.isArray(value)) return `must be a string or an array of up to 4 strings, got ${describe(value)}`;
  if (value.length > 4) return `may hold at most 4 sequences, got ${value.length}`;
  return value.every((item) => typeof item === 'string') ? undefined : 'must hold only strings';
};

const typedObjects =
  (what: string): Check =>
  (value) => {
    if (!Array.isArray(value)) return `must be an array of ${what}, got ${describe(value)}`;
    const bad = value.findIndex((item) => !isObject(item) || typeof item['type'] !== 'string');
    return bad < 0 ? undefined : `[${bad}] must be an object with a string "type"`;
  };

const logitBias: Check = (value) => {
  if (!isObject(value)) return `must be an object of token id -> bias, got ${describe(value)}`;
  for (const [token, bias] of Object.entries(value)) {
    if (typeof bias !== 'number' || !Number.isFinite(bias) || bias < -100 || bias > 100) {
      return `[${JSON.stringify(token)}] must be a number between -100 and 100`;
    }
  }
  return undefined;
};

const streamOptions: Check = (value) => {
  if (!isObject(value)) return `must be an object, got ${describe(value)}`;
  const include = value['include_usage'];
  return include === undefined || include === null || typeof include === 'boolean'
    ? undefined
    : `.include_usage must be true or false, got ${describe(include)}`;
};

/**
 * The OpenAI chat-completion fields whose type the gateway checks before spending an
 * upstream call: a request the upstream would reject anyway is answered 400 here, naming
 * the field. Fields not listed pass through untouched, so new OpenAI fields keep working.
 */
const FIELD_CHECKS: Readonly<Record<string, Check>> = {
  stream: boolean,
  stream_options: streamOptions,
  temperature: number(0, 2),
  top_p: number(0, 1),
  n: integer(1, 128),
  max_tokens: integer(1, 100_000_000),
  max_completion_tokens: integer(1, 100_000_000),
  presence_penalty: number(-2, 2),
  frequency_penalty: number(-2, 2),
  stop,
  seed: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  logprobs: boolean,
  top_logprobs: integer(0, 20),
  logit_bias: logitBias,
  user: string,
  tools: typedObjects('tools'),
  tool_choice: stringOrObject,
  parallel_tool_calls: boolean,
  response_format: (value) => (isObject(value) && typeof value['type'] === 'string' ? undefined : 'must be an object with a string "type"'),
  metadata: object,
  store: boolean,
  reasoning_effort: string,
  service_tier: string,
  modalities: (value) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'must be an array of strings',
};

/** Any character trim() would keep. */
const NOT_BLANK = /\S/;

/** FIELD_CHECKS as a list, made once rather than per request. */
const FIELD_CHECK_LIST = Object.entries(FIELD_CHECKS);

/** A checked request body and, when its top-level `model` is a plain string, the bytes to forward it from. */
export interface ChatRequest {
  readonly body: Record<string, unknown>;
  readonly source: SourceBody | undefined;
}

/**
 * The client's bytes and where its `model` value sits in them (byte offsets, quotes included): the
 * upstream body is these bytes with that span replaced (src/upstream/splice-body.ts), instead of
 * the parsed body serialised again (measured in BENCHMARKS.md, body-stall: most of the work left
 * for a large body).
 */
export interface SourceBody {
  readonly bytes: Uint8Array;
  readonly modelStart: number;
  readonly modelEnd: number;
  /** Byte offset just past the body's opening `{`. */
  readonly openEnd: number;
}

/**
 * Checks a raw request: content type JSON, body valid UTF-8, nesting bounded, no duplicate
 * keys, valid JSON, an object, and the known fields of the right types (not `model`). Returns the parsed
 * body, with the source bytes and the place of `model` in them; throws an OpenAI-shaped RequestError
 * (400 or 415) naming what is wrong.
 */
export function readChatRequest(body: Uint8Array, contentType: string | undefined): ChatRequest {
  checkContentType(contentType);
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new RequestError(400, 'the request body is not valid UTF-8; send JSON encoded as UTF-8', { code: 'invalid_encoding' });
  }
  // `/\S/` finds the first non-blank character without copying the body, as trim() would.
  if (!NOT_BLANK.test(text)) throw new RequestError(400, 'the request body is empty; send a JSON chat completion request', { code: 'invalid_json' });
  const shape = checkJsonStructure(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, `the request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
  }
  if (!isObject(parsed)) {
    throw new RequestError(400, `the request body must be a JSON object, got ${describe(parsed)}`, { code: 'invalid_json' });
  }
  validateChatFields(parsed);
  return { body: parsed, source: sourceOf(body, text, shape.modelValue) };
}

function sourceOf(bytes: Uint8Array, text: string, modelValue: [number, number] | undefined): SourceBody | undefined {
  // A byte-order mark (the decoder drops it, so text and bytes disagree) is not worth forwarding: serialise instead.
  if (modelValue === undefined || bytes[0] === 0xef) return undefined;
  const [start, end] = modelValue;
  const open = text.indexOf('{');
  // Offsets in the text are UTF-16 units; in bytes they differ only when something before them is not
  // ASCII. As many bytes as units means all of it is ASCII (anything else takes more bytes than units).
  const ascii = bytes.length === text.length || /^[\x00-\x7f]*$/.test(text.slice(0, end));
  const byteOf = (index: number) => (ascii ? index : Buffer.byteLength(text.slice(0, index)));
  return { bytes, modelStart: byteOf(start), modelEnd: byteOf(end), openEnd: byteOf(open) + 1 };
}

/** Throws 415 for a content type other than JSON; a missing one is accepted, as OpenAI does. */
export function checkContentType(contentType: string | undefined): void {
  // The common case, spelt as clients send it: nothing to split.
  if (contentType === undefined || contentType === 'application/json') return;
  if (contentType.trim() === '') return;
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const json = mediaType === 'application/json' || (mediaType !== undefined && /^application\/[a-z0-9.+-]*\+json$/.test(mediaType));
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (!json || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new RequestError(415, `content-type must be application/json (UTF-8), got ${JSON.stringify(contentType)}`, {
      code: 'unsupported_media_type',
    });
  }
}

/**
 * Checks `messages` (the core's checks first, so codes match the server's, then each
 * message's fields) and the known optional fields; null counts as absent for optional ones.
 * `model` is left to the Decider, which names the routers and thresholds it accepts.
 */
export function validateChatFields(body: Readonly<Record<string, unknown>>): void {
  validateMessages(body['messages']);
  for (const [field, check] of FIELD_CHECK_LIST) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    const problem = check(value, field);
    if (problem !== undefined) fail(field, problem);
  }
}

function validateMessages(value: unknown): void {
  const messages = validateMessageList(value);
  if (messages.length > MAX_MESSAGES) fail('messages', `may hold at most ${MAX_MESSAGES} messages, got ${messages.length}`);
  messages.forEach((entry: unknown, index) => {
    const message = entry as Record<string, unknown>;
    const at = `messages.[${index}]`;
    const role = message['role'];
    if (typeof role !== 'string' || !ROLES.has(role)) {
      fail(`${at}.role`, `must be one of ${[...ROLES].join(', ')}, got ${describe(role)}`);
    }
    const content = message['content'];
    if (content !== undefined && content !== null && typeof content !== 'string') {
      if (!Array.isArray(content)) fail(`${at}.content`, `must be a string or an array of content parts, got ${describe(content)}`);
      content.forEach((part: unknown, partIndex) => {
        if (!isObject(part) || typeof part['type'] !== 'string') {
          fail(`${at}.content.[${partIndex}]`, 'must be an object with a string "type"');
        }
        if (part['type'] === 'text' && typeof part['text'] !== 'string') {
          fail(`${at}.content.[${partIndex}].text`, `must be a string, got ${describe(part['text'])}`);
        }
      });
    }
    for (const field of ['name', 'tool_call_id'] as const) {
      const item = message[field];
      if (item !== undefined && item !== null && typeof item !== 'string') fail(`${at}.${field}`, `must be a string, got ${describe(item)}`);
    }
    const toolCalls = message['tool_calls'];
    if (toolCalls !== undefined && toolCalls !== null && !Array.isArray(toolCalls)) {
      fail(`${at}.tool_calls`, `must be an array, got ${describe(toolCalls)}`);
    }
  });
}

function fail(param: string, problem: string): never {
  // Messages name the field as OpenAI's own errors do; `param` uses OpenAI's `messages.[0].role` form.
  throw new RequestError(400, `${param.replace(/\.\[/g, '[')} ${problem}`, { param, code: 'invalid_value' });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string ${JSON.stringify(`${value.slice(0, 40)}…`)}` : `a string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : 'a number too large to represent';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
