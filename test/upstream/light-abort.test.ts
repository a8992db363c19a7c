import { describe, expect, it } from 'vitest';
import { LightAbort } from '../../src/upstream/light-abort.js';

describe('LightAbort', () => {
  it('calls each listener once, in order, with the reason set; later aborts change nothing', () => {
    const abort = new LightAbort();
    const calls: string[] = [];
    const first = () => calls.push(`first:${String(abort.reason)}`);
    abort.addEventListener('abort', first);
    abort.addEventListener('abort', first); // added twice, called once, as EventTarget does
    abort.addEventListener('abort', () => calls.push('second'), { once: true });
    abort.abort('gone');
    abort.abort('again');
    expect(abort.signal.aborted).toBe(true);
    expect(abort.reason).toBe('gone');
    expect(calls).toEqual(['first:gone', 'second']);
  });

  it('never calls a removed listener nor one added after the abort; no reason means an AbortError', () => {
    const abort = new LightAbort();
    let called = 0;
    const listener = () => (called += 1);
    abort.addEventListener('abort', listener);
    abort.removeEventListener('abort', listener);
    abort.abort();
    abort.addEventListener('abort', listener);
    expect(called).toBe(0);
    expect((abort.reason as DOMException).name).toBe('AbortError');
  });

  it('skips a listener that an earlier one removed during the dispatch, as EventTarget does', () => {
    const abort = new LightAbort();
    const calls: string[] = [];
    const second = () => calls.push('second');
    abort.addEventListener('abort', () => {
      calls.push('first');
      abort.removeEventListener('abort', second);
      abort.addEventListener('abort', () => calls.push('late'));
    });
    abort.addEventListener('abort', second);
    abort.abort();
    expect(calls).toEqual(['first']);
  });
});
