import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/server/observe/gateway-metrics.js';

describe('GatewayMetrics', () => {
  it('exposes every series in Prometheus text format on its own registry', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: true });
    metrics.observeRouted('mf', 'strong');
    metrics.observeRouted('mf', 'weak');
    metrics.observeRouted('mf', 'weak');
    metrics.observeRequest({ router: 'mf', model: 'weak', status: 200 });
    metrics.observeFailure('strong', 'server_error', 'weak');
    metrics.observeUsage('weak', 100, 20, 0.001, 0.01);
    metrics.upstreamLatency.observe({ model: 'weak', outcome: 'ok' }, 0.2);
    metrics.timeToFirstByte.observe({ model: 'weak' }, 0.05);
    metrics.inFlight.inc();
    const text = await metrics.text();
    expect(metrics.contentType).toContain('text/plain');
    for (const line of [
      'routellm_requests_total{router="mf",model="weak",status="200"} 1',
      'routellm_routed_total{router="mf",model="weak"} 2',
      'routellm_routed_share{model="weak"} 0.6666666666666666',
      'routellm_routed_share{model="strong"} 0.3333333333333333',
      'routellm_fallbacks_total{from="strong",to="weak",reason="server_error"} 1',
      'routellm_upstream_failures_total{model="strong",reason="server_error"} 1',
      'routellm_tokens_total{model="weak",direction="input"} 100',
      'routellm_tokens_total{model="weak",direction="output"} 20',
      'routellm_cost_usd_total{model="weak"} 0.001',
      'routellm_strong_only_cost_usd_total 0.01',
      'routellm_in_flight_requests 1',
      'routellm_upstream_latency_seconds_count{model="weak",outcome="ok"} 1',
      'routellm_upstream_ttfb_seconds_count{model="weak"} 1',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toContain('routellm_process_resident_memory_bytes');
    // Nothing lands on prom-client's global registry.
    expect(await register.metrics()).not.toContain('routellm_');
  });

  it('keeps two instances apart', async () => {
    const a = new GatewayMetrics({ defaultMetrics: false });
    const b = new GatewayMetrics({ defaultMetrics: false });
    a.observeRequest({ router: 'r', model: 'm', status: 200 });
    expect(await a.text()).toContain('routellm_requests_total{router="r",model="m",status="200"} 1');
    expect(await b.text()).not.toContain('status="200"');
  });

  it('hands the per-request counts to prom-client when scraped, once, next to direct observations', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.observeUpstreamLatency('weak', 'ok', 0.004);
    metrics.observeUpstreamLatency('weak', 'ok', 0.2);
    metrics.upstreamLatency.observe({ model: 'weak', outcome: 'ok' }, 700);
    metrics.observeTimeToFirstByte('strong', 0.03);
    metrics.observeUsage('weak', 10, 0, 0.5, 1.5);
    metrics.observeRequest({ router: 'mf', model: 'weak', status: 200 });
    const lines = [
      'routellm_upstream_latency_seconds_bucket{le="0.005",model="weak",outcome="ok"} 1',
      'routellm_upstream_latency_seconds_bucket{le="0.25",model="weak",outcome="ok"} 2',
      'routellm_upstream_latency_seconds_bucket{le="600",model="weak",outcome="ok"} 2',
      'routellm_upstream_latency_seconds_bucket{le="+Inf",model="weak",outcome="ok"} 3',
      'routellm_upstream_latency_seconds_sum{model="weak",outcome="ok"} 700.204',
      'routellm_upstream_latency_seconds_count{model="weak",outcome="ok"} 3',
      'routellm_upstream_ttfb_seconds_bucket{le="0.025",model="strong"} 0',
      'routellm_upstream_ttfb_seconds_bucket{le="0.05",model="strong"} 1',
      'routellm_tokens_total{model="weak",direction="output"} 0',
      'routellm_cost_usd_total{model="weak"} 0.5',
      'routellm_strong_only_cost_usd_total 1.5',
      'routellm_requests_total{router="mf",model="weak",status="200"} 1',
    ];
    const first = await metrics.text();
    for (const line of lines) expect(first).toContain(line);
    // A second scrape adds nothing more; a new observation shows up in the next one.
    expect(await metrics.text()).toContain('routellm_requests_total{router="mf",model="weak",status="200"} 1');
    metrics.observeRequest({ router: 'mf', model: 'weak', status: 200 });
    expect(await metrics.text()).toContain('routellm_requests_total{router="mf",model="weak",status="200"} 2');
  });
});
