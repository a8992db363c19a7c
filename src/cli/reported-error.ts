/** Errors a command has already said (serve logs its start-up failure through its own logger). */
const reported = new WeakSet<object>();

/** Marks `error` as already reported, so the CLI sets the exit code without printing it again. */
export function markReported<T>(error: T): T {
  if (typeof error === 'object' && error !== null) reported.add(error);
  return error;
}

/** True when a command already reported `error` itself. */
export function wasReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reported.has(error);
}
