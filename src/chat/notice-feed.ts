/**
 * Lines for the chat's transcript from outside it (the Controller's warnings: a fallback, routing
 * degraded). Until the chat listens they go to `before` (stderr, before the screen is drawn); once it
 * does, into the transcript, where a stray stderr line would tear ink's screen.
 */
export class NoticeFeed {
  #listener: ((line: string) => void) | undefined;
  readonly #before: (line: string) => void;

  constructor(before: (line: string) => void) {
    this.#before = before;
  }

  push(line: string): void {
    (this.#listener ?? this.#before)(line);
  }

  /** Sends later lines to `listener`; the returned function sends them back to `before`. */
  listen(listener: (line: string) => void): () => void {
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = undefined;
    };
  }
}
