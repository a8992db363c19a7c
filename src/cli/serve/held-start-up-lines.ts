import type { Logger } from '../../controller/controller-options.js';

type Line = { readonly level: 'info' | 'warn'; readonly fields: Record<string, unknown>; readonly message: string };

/**
 * serve's start-up lines (a model without a price, config options no router reads, a loaded share
 * window, ...) held until the server listens, then written in order; later lines pass straight
 * through. When start-up fails (a port in use, a bad --host), they are never written: the fatal
 * line stands alone instead of under warnings that no longer matter.
 */
export class HeldStartUpLines implements Logger {
  readonly #target: Logger;
  #held: Line[] | undefined = [];

  constructor(target: Logger) {
    this.#target = target;
  }

  info(fields: Record<string, unknown>, message: string): void {
    if (this.#held) this.#held.push({ level: 'info', fields, message });
    else this.#target.info(fields, message);
  }

  warn(fields: Record<string, unknown>, message: string): void {
    if (this.#held) this.#held.push({ level: 'warn', fields, message });
    else this.#target.warn(fields, message);
  }

  /**
   * Drops the held lines and passes every later one through: a `serve --workers N` worker other
   * than the first, whose start-up finds what the first one's found and said already.
   */
  discard(): void {
    this.#held = undefined;
  }

  /** Writes the held lines, in order, and every later one as it comes. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const line of held) this.#target[line.level](line.fields, line.message);
  }
}
