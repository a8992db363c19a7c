/**
 * The wait an upstream asked for, in milliseconds: `retry-after-ms` (OpenAI's), else
 * `retry-after` as seconds or an HTTP date. Undefined when absent, unreadable or negative.
 * Callers bound it their own way: the proxy's one retry ignores waits over a minute, label
 * pauses every request for it.
 */
export function retryAfterMs(header: (name: string) => string | undefined, now: number = Date.now()): number | undefined {
  let ms: number | undefined;
  const millis = header('retry-after-ms');
  if (millis !== undefined && !Number.isNaN(Number.parseFloat(millis))) ms = Number.parseFloat(millis);
  const after = header('retry-after');
  if (ms === undefined && after !== undefined && after !== '') {
    const seconds = Number.parseFloat(after);
    ms = Number.isNaN(seconds) ? Date.parse(after) - now : seconds * 1000;
  }
  return ms !== undefined && ms >= 0 ? ms : undefined;
}
