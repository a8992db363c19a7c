import { exitCodeFor } from '../../core/index.js';

/** What a reload loaded. */
export interface ReloadResult {
  /** Reloads so far, this one included. */
  readonly generation: number;
  /** Each router's fingerprint (its weights' hash) now in use. */
  readonly routers: Readonly<Record<string, string>>;
  /** Routers whose fingerprint changed with this reload. */
  readonly changed: readonly string[];
  /** Config sections that changed but apply only at start-up (`server`, `prices`): they need a restart. */
  readonly needsRestart: readonly string[];
  readonly tookMs: number;
}

/** A reload's outcome: what was loaded, or why nothing was (the old routers keep serving). */
export type ReloadOutcome = { readonly ok: true; readonly result: ReloadResult } | { readonly ok: false; readonly error: Error };

/** Where a reload says how it went: one line each (serve's logger). */
export interface ReloadLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * `serve`'s reloads, from SIGHUP or `POST /v1/routellm/reload`: runs the Controller's reload,
 * says how it went in one log line, and counts outcomes for /metrics. Never throws: a failed
 * reload leaves the old routers serving and is reported as an outcome.
 */
export class RoutingReloads {
  ok = 0;
  failed = 0;
  /** Unix seconds of the last reload that worked (start-up counts as one). */
  lastSuccess: number;
  readonly #run: () => Promise<ReloadResult>;
  readonly #log: ReloadLog;
  readonly #now: () => number;

  constructor(run: () => Promise<ReloadResult>, log: ReloadLog, now: () => number = Date.now) {
    this.#run = run;
    this.#log = log;
    this.lastSuccess = now() / 1000;
    this.#now = now;
  }

  /** Reloads; `source` (`SIGHUP`, `POST /v1/routellm/reload`) is named in the log line. */
  async reload(source: string): Promise<ReloadOutcome> {
    try {
      const result = await this.#run();
      this.ok += 1;
      this.lastSuccess = this.#now() / 1000;
      const routers = Object.entries(result.routers).map(([name, fingerprint]) => `${name} ${fingerprint.slice(0, 12)}${result.changed.includes(name) ? ' (new weights)' : ''}`);
      const restart = result.needsRestart.length > 0 ? `; changed ${result.needsRestart.map((key) => `${key}:`).join(' and ')} settings apply only after a restart` : '';
      this.#log.info(
        { reload: source, generation: result.generation, routers: result.routers, changed: result.changed, needs_restart: result.needsRestart, took_ms: result.tookMs },
        `routellm reload #${result.generation} (${source}): routers in use: ${routers.join(', ')}; took ${result.tookMs} ms${restart}`,
      );
      return { ok: true, result };
    } catch (error) {
      this.failed += 1;
      const failure = error instanceof Error ? error : new Error(String(error));
      // A bug, not a bad file: logged with its stack.
      const fields = exitCodeFor(error) === 70 ? { reload: source, err: failure } : { reload: source };
      this.#log.error(fields, `routellm reload failed (${source}), the previous routers keep serving: ${failure.message}`);
      return { ok: false, error: failure };
    }
  }
}
