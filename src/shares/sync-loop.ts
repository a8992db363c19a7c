/**
 * A background sync run every `intervalMs` at most, one at a time (the next is scheduled when one
 * ends), never keeping the process alive: how the Redis and the cluster share stores send their
 * windows. `stop()` waits for a sync in progress.
 */
export class SyncLoop {
  readonly #intervalMs: number;
  readonly #sync: () => Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  #stopped = false;

  constructor(intervalMs: number, sync: () => Promise<void>) {
    this.#intervalMs = intervalMs;
    this.#sync = sync;
  }

  start(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#syncing = this.#sync().finally(() => {
        this.#syncing = undefined;
        this.start();
      });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Schedules no more syncs and waits for the one in progress, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#syncing;
  }
}
