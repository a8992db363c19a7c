import { describe, expect, it } from 'vitest';
import { MIN_DEGRADED_CALLS, RoutingHealth, type HealthChange } from '../../../src/server/policy/routing-health.js';
import { PAIR, startGatewayProxy } from '../helpers/gateway-harness.js';

function watch(share = 0.2, windowMs = 1000) {
  let now = 0;
  const changes: HealthChange[] = [];
  const health = new RoutingHealth({ share, windowMs, now: () => now, onChange: (change) => changes.push(change) });
  return { health, changes, advance: (ms: number) => (now += ms) };
}

describe('RoutingHealth', () => {
  it('turns degraded once more than the share of a model\'s calls fell back, and recovers when the window moves on', () => {
    const { health, changes, advance } = watch(0.2, 1000);
    for (let i = 0; i < 8; i += 1) health.observe('m', undefined);
    for (let i = 0; i < 2; i += 1) health.observe('m', 'auth'); // 2 of 10: at the share, not over it
    expect(changes).toEqual([]);
    health.observe('m', 'auth'); // 3 of 11
    expect(changes).toEqual([{ model: 'm', degraded: true, share: 3 / 11, calls: 11, fallbacks: 3, lastReason: 'auth' }]);
    expect(health.degraded('m')).toBe(true);
    advance(1000); // every bucket out of the window
    expect(health.degraded('m')).toBe(false);
    expect(changes.at(-1)).toMatchObject({ model: 'm', degraded: false, calls: 0 });
    expect(health.byReason.get('auth')).toBe(3);
  });

  it(`never judges fewer than ${MIN_DEGRADED_CALLS} calls`, () => {
    const { health, changes } = watch();
    for (let i = 0; i < MIN_DEGRADED_CALLS - 1; i += 1) health.observe('m', 'timeout');
    expect(changes).toEqual([]);
    health.observe('m', 'timeout');
    expect(changes).toHaveLength(1);
  });

  it('forgets a bucket at a time as the window slides', () => {
    const { health, advance } = watch(0.5, 1000);
    for (let i = 0; i < 10; i += 1) health.observe('m', 'server_error');
    advance(500);
    for (let i = 0; i < 10; i += 1) health.observe('m', undefined);
    expect(health.window('m')).toMatchObject({ calls: 20, fallbacks: 10, share: 0.5, degraded: false });
    advance(600); // the first ten are out of the window, the last ten still in
    expect(health.window('m')).toMatchObject({ calls: 10, fallbacks: 0, share: 0 });
  });
});

describe('a revoked strong-model key through the gateway', () => {
  it('falls back at warn with reason auth, counts it in metrics and stats, then says routing is degraded', async () => {
    const proxy = await startGatewayProxy({ gateway: { degradedShare: 0.2 } });
    try {
      proxy.upstream.behave = (model) => (model === PAIR.strong ? { status: 401, body: { error: { message: 'Incorrect API key provided: sk-re***ed', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } } : 'ok');
      const client = proxy.client();
      for (let i = 0; i < MIN_DEGRADED_CALLS; i += 1) {
        const data = await client.chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: `a HARD question ${i}` }] });
        expect(data.model).toBe(PAIR.weak);
      }
      const lines = proxy.logLines();
      const fallbacks = lines.filter((line) => line['msg']?.startsWith('fallback'));
      expect(fallbacks).toHaveLength(MIN_DEGRADED_CALLS);
      expect(fallbacks[0]).toMatchObject({ level: 40, from: PAIR.strong, to: PAIR.weak, reason: 'auth' });
      expect(fallbacks[0]?.['error']).toContain('401');
      // The upstream's own words (which may echo a key) stay out of the log without --log-prompts.
      expect(JSON.stringify(fallbacks)).not.toContain('sk-re');
      const degraded = lines.filter((line) => line['msg']?.startsWith('routing degraded'));
      expect(degraded).toHaveLength(1);
      expect(degraded[0]).toMatchObject({ level: 40, model: PAIR.strong, fallback_share: 1, reason: 'auth' });
      expect(degraded[0]?.['msg']).toContain('100% of the calls routed to "strong-model" fell back');
      expect(await proxy.metric(`routellm_fallbacks_total{from="${PAIR.strong}",to="${PAIR.weak}",reason="auth"}`)).toBe(MIN_DEGRADED_CALLS);
      expect(await proxy.metric(`routellm_routing_degraded{model="${PAIR.strong}"}`)).toBe(1);
      expect(await proxy.metric(`routellm_fallback_share{model="${PAIR.strong}"}`)).toBe(1);
      const stats = (await (await fetch(`${proxy.server.url}/v1/routellm/stats`)).json()) as any;
      expect(stats.fallbacks).toEqual({ auth: MIN_DEGRADED_CALLS, not_found: 0, rate_limited: 0, server_error: 0, timeout: 0, connection: 0, malformed: 0 });
      expect(stats.routing_health).toEqual({ window_s: 300, degraded_share: 0.2, models: { [PAIR.strong]: { calls: MIN_DEGRADED_CALLS, fallbacks: MIN_DEGRADED_CALLS, fallback_share: 1, degraded: true } } });
    } finally {
      await proxy.close();
    }
  });

  it('says not_found for a model name the upstream does not know', async () => {
    const proxy = await startGatewayProxy();
    try {
      proxy.upstream.behave = (model) => (model === PAIR.weak ? { status: 404, body: { error: { message: 'The model does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } } } : 'ok');
      const data = await proxy.client().chat.completions.create({ model: 'router-keyword-0.5', messages: [{ role: 'user', content: 'easy' }] });
      expect(data.model).toBe(PAIR.strong);
      expect(proxy.logLines().find((line) => line['msg']?.startsWith('fallback'))).toMatchObject({ level: 40, from: PAIR.weak, reason: 'not_found' });
      expect(await proxy.metric(`routellm_fallbacks_total{from="${PAIR.weak}",to="${PAIR.strong}",reason="not_found"}`)).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
