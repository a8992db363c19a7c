import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../../src/server/policy/concurrency-limiter.js';
import { RequestError } from '../../../src/server/errors/request-error.js';

describe('ConcurrencyLimiter', () => {
  it('admits up to the limit, queues up to the bound, refuses past it with 429 and retry-after', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 2, maxQueue: 1, retryAfterSeconds: 3 });
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const order: string[] = [];
    const third = limiter.acquire().then((release) => {
      order.push('third');
      return release;
    });
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(1);
    const refused = await limiter.acquire().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RequestError);
    expect((refused as RequestError).status).toBe(429);
    expect((refused as RequestError).headers['retry-after']).toBe('3');
    expect((refused as RequestError).body().error.type).toBe('rate_limit_error');
    first();
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(0);
    first(); // a second release of the same slot changes nothing
    expect(limiter.active).toBe(2);
    second();
    releaseThird();
    expect(limiter.active).toBe(0);
  });

  it('drops a queued caller whose client aborts', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueue: 5 });
    const held = await limiter.acquire();
    const client = new AbortController();
    const waiting = limiter.acquire(client.signal);
    expect(limiter.queued).toBe(1);
    client.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(limiter.queued).toBe(0);
    held();
    expect(limiter.active).toBe(0);
  });

  it('reports changes for the gauges', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueue: 1 });
    const seen: [number, number][] = [];
    limiter.onChange = (active, queued) => seen.push([active, queued]);
    const release = await limiter.acquire();
    const next = limiter.acquire();
    release();
    (await next)();
    expect(seen).toEqual([
      [1, 0],
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
  });
});
