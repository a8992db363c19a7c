import { Counter, Gauge, type Registry } from 'prom-client';

/** What the reload metrics read when scraped. */
export interface ReloadMetricsSource {
  readonly reloads: { readonly ok: number; readonly failed: number; readonly lastSuccess: number };
  /** Each router new requests use, by name, with its fingerprint. */
  routerFingerprints(): Readonly<Record<string, string>>;
}

/**
 * Reloads (SIGHUP, `POST /v1/routellm/reload`) by outcome, when the last one worked, and which
 * weights each router has now (`routellm_router_info{router, fingerprint} 1`), read when scraped.
 */
export function registerReloadMetrics(registry: Registry, source: ReloadMetricsSource, prefix = 'routellm_'): void {
  new Counter({
    name: `${prefix}reloads_total`,
    help: 'Router reloads (SIGHUP, POST /v1/routellm/reload), by outcome: ok, or failed (the previous routers kept serving).',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      this.labels('ok').inc(source.reloads.ok);
      this.labels('failed').inc(source.reloads.failed);
    },
  });
  new Gauge({
    name: `${prefix}reload_last_success_timestamp_seconds`,
    help: 'Unix time of the last successful router load (start-up or reload).',
    // serve --workers: the worker that loaded least recently (a sum of times would mean nothing).
    aggregator: 'min',
    registers: [registry],
    collect() {
      this.set(source.reloads.lastSuccess);
    },
  });
  new Gauge({
    name: `${prefix}router_info`,
    help: 'Each router in use, with the fingerprint (hash) of its weights; always 1.',
    labelNames: ['router', 'fingerprint'],
    // serve --workers: 1 while any worker runs those weights (during a reload two fingerprints may show).
    aggregator: 'max',
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, fingerprint] of Object.entries(source.routerFingerprints())) this.labels(name, fingerprint).set(1);
    },
  });
}
