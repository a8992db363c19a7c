import { RequestError } from '../server/request-error.js';

/** Deepest nesting of objects and arrays accepted in a request body. */
export const MAX_JSON_DEPTH = 64;

/**
 * Checks a JSON text for what `JSON.parse` lets through silently: nesting deeper than
 * `maxDepth` (a stack-exhaustion vector for whatever parses it next) and duplicate keys
 * in one object (JSON.parse keeps the last, the upstream may keep the first, so the
 * router and the model could read different requests). Syntax errors are left to JSON.parse.
 */
export function checkJsonStructure(text: string, maxDepth: number = MAX_JSON_DEPTH): void {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectingKey = false;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = closingQuote(text, i);
      if (end < 0) return;
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
        }
        expectingKey = false;
      }
      i = end + 1;
      continue;
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
