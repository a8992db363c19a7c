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

/**
 * The part of one worker's metrics that counts since its start-up: counters, histograms and the gauges
 * that add up (`saving_usd`, `single_model_spend_usd`). What `serve --workers` keeps of a worker that
 * exited, so the cluster's totals never go down when it is restarted from zero; the gauges of now
 * (in-flight, shares, degraded) leave with it.
 */
export function cumulativeMetrics(metrics: readonly MetricJson[], prefix = 'routellm_'): MetricJson[] {
  const addingGauges = new Set([`${prefix}saving_usd`, `${prefix}single_model_spend_usd`]);
  return metrics.filter((metric) => {
    // The JSON says the type as a word ('counter'), whatever the typings' enum says.
    const type = String(metric.type);
    return type === 'counter' || type === 'histogram' || (type === 'gauge' && addingGauges.has(metric.name));
  });
}

/** Several sets of metrics summed into one (each metric by its own aggregator), in the same JSON form. */
export async function sumMetrics(parts: readonly MetricJson[][]): Promise<MetricJson[]> {
  return AggregatorRegistry.aggregate(parts as MetricJson[][]).getMetricsAsJSON();
}
