import { AggregatorRegistry, type Registry } from 'prom-client';

/** One metric as `Registry.getMetricsAsJSON()` gives it (and as it crosses the cluster's IPC). */
export type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/**
 * One Prometheus exposition from every worker's metrics (`Registry.getMetricsAsJSON()`), with
 * prom-client's cluster aggregator: counters and histograms summed, each gauge by the aggregator it
 * declares (in-flight summed, a share's threshold averaged, ...). `routed_share` is a ratio, so it is
 * recomputed from the summed `routed_total` rather than averaged over workers of unequal load.
 */
export async function aggregateMetrics(workers: readonly MetricJson[][], prefix = 'routellm_'): Promise<string> {
  const routed = new Map<string, number>();
  let total = 0;
  for (const metrics of workers) {
    for (const value of metrics.find((metric) => metric.name === `${prefix}routed_total`)?.values ?? []) {
      const model = String(value.labels['model']);
      routed.set(model, (routed.get(model) ?? 0) + value.value);
      total += value.value;
    }
  }
  const share = [...routed].map(([model, count]) => ({ labels: { model }, value: total === 0 ? 0 : count / total }));
  const fixed = workers.map((metrics) =>
    metrics.map((metric) => (metric.name === `${prefix}routed_share` ? { ...metric, aggregator: 'first' as const, values: share } : metric)),
  );
  return AggregatorRegistry.aggregate(fixed).metrics();
}
