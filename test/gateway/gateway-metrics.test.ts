import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/gateway/gateway-metrics.js';

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
});
