import { describe, expect, it } from 'vitest';
import { UpstreamError, UpstreamTimeoutError } from '../../../src/core/index.js';
import { callWithFallback, failureReason, isFallbackEligible, otherModel } from '../../../src/server/policy/fallback-policy.js';
import { MalformedUpstreamError } from '../../../src/upstream/malformed-upstream-error.js';

const pair = { strong: 'big', weak: 'small' };

describe('fallback eligibility', () => {
  it.each([
    [new UpstreamError('refused'), 'connection', true],
    [new UpstreamTimeoutError('slow'), 'timeout', true],
    [new UpstreamError('busy', { status: 429 }), 'rate_limited', true],
    [new UpstreamError('boom', { status: 500 }), 'server_error', true],
    [new UpstreamError('bad gateway', { status: 503 }), 'server_error', true],
    [new MalformedUpstreamError('garbage', { status: 200 }), 'malformed', true],
    [new UpstreamError('bad request', { status: 400 }), 'client_error', false],
    [new UpstreamError('forbidden', { status: 403 }), 'client_error', false],
    [new Error('bug'), 'other', false],
  ])('%s -> %s (fallback %s)', (error, reason, eligible) => {
    expect(failureReason(error)).toBe(reason);
    expect(isFallbackEligible(error)).toBe(eligible);
  });

  it('finds the other model of the pair', () => {
    expect(otherModel(pair, 'big')).toBe('small');
    expect(otherModel(pair, 'small')).toBe('big');
    expect(otherModel(pair, 'elsewhere')).toBeUndefined();
    expect(otherModel({ strong: 'same', weak: 'same' }, 'same')).toBeUndefined();
  });
});

describe('callWithFallback', () => {
  it('answers from the routed model when it works: one attempt, no fallback', async () => {
    const calls: string[] = [];
    const outcome = await callWithFallback('big', { pair, enabled: true }, async (model) => {
      calls.push(model);
      return `from ${model}`;
    });
    expect(outcome).toEqual({ value: 'from big', model: 'big', attempts: 1, fallbackFrom: undefined });
    expect(calls).toEqual(['big']);
  });

  it('tries the other model once after an eligible failure', async () => {
    const failures: [string, boolean][] = [];
    const outcome = await callWithFallback(
      'small',
      { pair, enabled: true, onFailure: (model, _error, retry) => failures.push([model, retry]) },
      async (model, attempt) => {
        if (model === 'small') throw new UpstreamError('boom', { status: 502 });
        return `from ${model} on attempt ${attempt}`;
      },
    );
    expect(outcome).toEqual({ value: 'from big on attempt 2', model: 'big', attempts: 2, fallbackFrom: 'small' });
    expect(failures).toEqual([['small', true]]);
  });

  it('throws the last error when both models fail, after exactly two attempts', async () => {
    let attempts = 0;
    const promise = callWithFallback('big', { pair, enabled: true }, async (model) => {
      attempts += 1;
      throw new UpstreamError(`${model} down`, { status: 503 });
    });
    await expect(promise).rejects.toThrow('small down');
    expect(attempts).toBe(2);
  });

  it('does not fall back when disabled, on a client error, or when the client is gone', async () => {
    const failing = (error: unknown) => async () => {
      throw error;
    };
    await expect(callWithFallback('big', { pair, enabled: false }, failing(new UpstreamError('x', { status: 500 })))).rejects.toThrow('x');
    await expect(callWithFallback('big', { pair, enabled: true }, failing(new UpstreamError('bad', { status: 400 })))).rejects.toThrow('bad');
    const gone = AbortSignal.abort();
    let attempts = 0;
    await expect(
      callWithFallback('big', { pair, enabled: true, signal: gone }, async () => {
        attempts += 1;
        throw new UpstreamError('aborted');
      }),
    ).rejects.toThrow('aborted');
    expect(attempts).toBe(1);
  });
});
