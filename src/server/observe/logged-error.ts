import { UpstreamError } from '../../core/index.js';
import { failureReason } from '../policy/fallback-policy.js';

/**
 * The `error` field of a request's log line. An upstream's own words can carry the prompt (a
 * 400 "Invalid content: <the prompt>", an error event quoting the input, a malformed chunk of
 * the answer), so without --log-prompts they stay out of the log: what is kept is our own
 * words, the upstream's status, and its error `type` and `code`, e.g.
 * `model "x" answered 400 (invalid_request_error)`. The client still gets
 * the upstream's whole message; `clientMessage` is what it got, logged as is with --log-prompts.
 */
export function loggedError(error: unknown, clientMessage: string, logPrompts: boolean): string {
  if (logPrompts || !(error instanceof UpstreamError)) return clientMessage;
  const message = error.message;
  switch (failureReason(error)) {
    case 'timeout':
    case 'connection':
      // Our words and Node's (timeouts, ECONNRESET, "socket hang up"): nothing the upstream wrote.
      return message;
    case 'malformed':
      // Our words, then at most a quoted preview of what the upstream sent.
      return message.replace(QUOTED_PREVIEW, '');
    default: {
      // 401/403/404: "refused the gateway's request (401: <upstream text>); check ..." keeps the status and the advice.
      const refused = REFUSED.exec(message);
      if (refused) return `${message.slice(0, refused.index)}refused the gateway's request (${refused[1]})${refused[2]}`;
      const colon = message.indexOf(': ');
      const head = colon < 0 ? message : message.slice(0, colon);
      const kind = errorKind(error.body);
      return kind === '' ? head : `${head} (${kind})`;
    }
  }
}

/** A trailing `: "..."` (a JSON-quoted preview of upstream bytes). */
const QUOTED_PREVIEW = /: ".*"$/s;
/** The gateway-side refusal wording of src/upstream/upstream-error-details.ts. */
const REFUSED = /refused the gateway's request \((\d{3}): .*\)(; [^)]*)$/s;

/** The upstream's error `type` and `code`, as "type, code": only identifier-like values, which cannot hold a sentence. */
function errorKind(body: unknown): string {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (error === null || typeof error !== 'object') return '';
  const fields = error as Record<string, unknown>;
  return [fields['type'], fields['code']]
    .map((value) => (typeof value === 'number' ? String(value) : value))
    .filter((value): value is string => typeof value === 'string' && IDENTIFIER.test(value))
    .join(', ');
}
const IDENTIFIER = /^[\w.:-]{1,64}$/;
