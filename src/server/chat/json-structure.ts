import { RequestError } from '../errors/request-error.js';

/** Deepest nesting of objects and arrays accepted in a request body. */
export const MAX_JSON_DEPTH = 64;
/**
 * Most keys in one object. V8 parses a big object in dictionary mode: measured (BENCHMARKS.md,
 * body-stall) 10k keys parse in about 2 ms, 870k in about a second, and stringify as long again.
 */
export const MAX_KEYS_PER_OBJECT = 10_000;
/**
 * Most values (object members and array elements, counted as commas and containers) in a body: 200k
 * parse in under 10 ms here, and 10,000 messages (MAX_MESSAGES) of a few fields each stay well under it.
 */
export const MAX_JSON_VALUES = 200_000;

/** Bounds of checkJsonStructure. */
export interface JsonLimits {
  readonly maxDepth: number;
  readonly maxKeysPerObject: number;
  readonly maxValues: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: MAX_JSON_DEPTH, maxKeysPerObject: MAX_KEYS_PER_OBJECT, maxValues: MAX_JSON_VALUES };

/**
 * Checks a JSON text for what `JSON.parse` lets through silently: nesting deeper than
 * `maxDepth` (a stack-exhaustion vector for whatever parses it next), duplicate keys
 * in one object (JSON.parse keeps the last, the upstream may keep the first, so the
 * router and the model could read different requests), and more keys in one object or
 * values in all than the limits (a 10 MiB body of 870k keys held the event loop for
 * seconds in JSON.parse and JSON.stringify). The scan stops at the first limit passed, so
 * its own work is bounded too. Syntax errors are left to JSON.parse.
 */
export function checkJsonStructure(text: string, limits: JsonLimits | number = DEFAULT_JSON_LIMITS): JsonShape {
  const { maxDepth, maxKeysPerObject, maxValues } = typeof limits === 'number' ? { ...DEFAULT_JSON_LIMITS, maxDepth: limits } : limits;
  // One entry per open container: the keys seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let values = 0;
  let expectingKey = false;
  /** Set right after the top-level key "model": its value is the next token. */
  let modelNext = false;
  let modelValue: [number, number] | undefined;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = closingQuote(text, i);
      if (end < 0) return { modelValue };
      if (modelNext) {
        modelValue = [i, end + 1];
        modelNext = false;
        i = end + 1;
        continue;
      }
      const top = stack[stack.length - 1];
      if (expectingKey && top) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? decodeKey(text.slice(i, end + 1)) : raw;
        if (key !== undefined) {
          if (top.has(key)) {
            throw new RequestError(400, `the request body has the key ${JSON.stringify(key)} twice in one object; send each key once`, {
              code: 'duplicate_key',
            });
          }
          top.add(key);
          if (key === 'model' && stack.length === 1) modelNext = true;
          if (top.size > maxKeysPerObject) {
            throw new RequestError(400, `the request body has an object with more than ${maxKeysPerObject} keys; send fewer`, { code: 'too_many_keys' });
          }
        }
        expectingKey = false;
      }
      i = end + 1;
      continue;
    }
    // A value of "model" that is not a string (a number, an object) has no span: the router refuses it anyway.
    if (modelNext && c !== 0x3a && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) modelNext = false;
    if (c === 0x7b || c === 0x5b || c === 0x2c) {
      values += 1;
      if (values > maxValues) {
        throw new RequestError(400, `the request body holds more than ${maxValues} JSON values (object members and array elements); send fewer`, {
          code: 'too_many_values',
        });
      }
    }
    if (c === 0x7b || c === 0x5b) {
      stack.push(c === 0x7b ? new Set() : null);
      if (stack.length > maxDepth) {
        throw new RequestError(400, `the request body nests objects and arrays deeper than ${maxDepth} levels`, {
          code: 'too_deep',
        });
      }
      expectingKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectingKey = false;
    } else if (c === 0x2c) {
      expectingKey = stack[stack.length - 1] instanceof Set;
    }
    i += 1;
  }
  return { modelValue };
}

/** What the scan learnt of a body on its way. */
export interface JsonShape {
  /** Where the top-level `model` string sits, quotes included: [start, end) in UTF-16 units; undefined when it has none. */
  readonly modelValue: [number, number] | undefined;
}

/** Index of the quote closing the string that opens at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let backslashes = 0;
    for (let k = end - 1; k > start && text.charCodeAt(k) === 0x5c; k -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

function decodeKey(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}
