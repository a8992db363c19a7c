/**
 * One error tree for the whole program. Adapters map these to an exit code
 * (`exitCodeFor`) or an HTTP status and OpenAI-shaped body (`httpErrorFor`).
 */
export class RoutellmError extends Error {
  override readonly name: string = 'RoutellmError';
}

/** Bad flags, bad configuration, bad input files: the user must change something. Exit 2. */
export class UsageError extends RoutellmError {
  override readonly name: string = 'UsageError';
}

/** A configuration file or option that cannot be used. Exit 2. */
export class ConfigError extends UsageError {
  override readonly name: string = 'ConfigError';
}

/**
 * A Controller used after `close()`: the program's mistake, said at once. Nothing is routed or sent
 * upstream, so no fallback runs and nothing counts as an upstream failure. In-process chat raises it
 * as the `cause` of a 400 BadRequestError, code `controller_closed`.
 */
export class ControllerClosedError extends UsageError {
  override readonly name: string = 'ControllerClosedError';
}

/**
 * A request that cannot be routed: bad model string, unknown router, bad threshold,
 * bad messages. HTTP 400 `invalid_request_error`; exit 2 from the CLI.
 */
export class RoutingError extends UsageError {
  override readonly name: string = 'RoutingError';
  /** The request field at fault, as OpenAI's `error.param`. */
  readonly param: string | null;
  /** A short machine-readable code, as OpenAI's `error.code`. */
  readonly code: string | null;
  constructor(message: string, options: { param?: string | null; code?: string | null } = {}) {
    super(message);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
  }
}

/**
 * A router that failed at run time (an embedder answering with vectors of the wrong size) or whose
 * own parts are broken. Exit 1. Loaders turn what is wrong with the user's files or options
 * (a truncated checkpoint, a model the weights do not know) into a ConfigError instead.
 */
export class RouterError extends RoutellmError {
  override readonly name: string = 'RouterError';
}

/** The upstream model failed or could not be reached. Exit 1; HTTP 502 (or its own 4xx status). */
export class UpstreamError extends RoutellmError {
  override readonly name: string = 'UpstreamError';
  /** Status the upstream answered with, or undefined when it never answered. */
  readonly status: number | undefined;
  /** The upstream's own OpenAI-shaped error body, when it sent one. */
  readonly body: unknown;
  constructor(message: string, options: { status?: number; body?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.body = options.body;
  }
}

/** The upstream did not answer in time. Exit 1; HTTP 504. */
export class UpstreamTimeoutError extends UpstreamError {
  override readonly name: string = 'UpstreamTimeoutError';
}

/** A bug: something the program should never do. Exit 70 with the stack. */
export class InternalError extends RoutellmError {
  override readonly name: string = 'InternalError';
}

/** Exit code for any thrown value: 2 usage/config, 1 runtime or upstream, 70 internal. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof InternalError) return 70;
  if (error instanceof RoutellmError) return 1;
  return 70;
}
