import { describe, expect, it } from 'vitest';
import { ShareCalibrator, ShareWindow, shareOfBatch } from '../../src/core/index.js';

describe('ShareWindow', () => {
  it('cuts at the k-th highest win rate and forgets the oldest request when full', () => {
    const window = new ShareWindow(4);
    for (const rate of [0.1, 0.2, 0.3, 0.4]) window.observe(rate, false);
    expect(window.cut(0.5)).toEqual({ threshold: 0.3, tieFraction: 1 });
    expect(window.cut(0.25)).toEqual({ threshold: 0.4, tieFraction: 1 });
    window.observe(0.9, true); // evicts 0.1
    expect(window.entries()).toEqual([[0.2, false], [0.3, false], [0.4, false], [0.9, true]]);
    expect(window.cut(0.5)).toEqual({ threshold: 0.4, tieFraction: 1 });
    expect(window.realizedShare).toBe(0.25);
    expect(window.fill).toBe(4);
  });

  it('asks for the part of a tie at the cut that makes up the share', () => {
    const window = new ShareWindow(10);
    for (const rate of [0.1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9]) window.observe(rate, false);
    // 30% of 10 = 3: 0.9 and 2 of the seven 0.5s.
    const cut = window.cut(0.3);
    expect(cut?.threshold).toBe(0.5);
    expect(cut?.tieFraction).toBeCloseTo(2 / 7, 12);
  });

  it('reset keeps the newest entries that fit', () => {
    const window = new ShareWindow(2);
    window.reset([[0.1, false], [0.2, true], [0.3, false]]);
    expect(window.entries()).toEqual([[0.2, true], [0.3, false]]);
    expect(window.cut(0.5)?.threshold).toBe(0.3);
  });
});

describe('ShareCalibrator', () => {
  const router = { name: 'r', fingerprint: 'r:1' };

  it('starts from the table threshold until a quarter of the window is filled, then follows the window', () => {
    const calibrator = new ShareCalibrator({ window: 8 });
    const track = calibrator.track(router, 0.5, 0.99);
    expect(track.decide(0.5)).toEqual({ threshold: 0.99, strong: false });
    expect(track.decide(0.6)).toEqual({ threshold: 0.99, strong: false });
    expect(track.warm).toBe(true);
    // Window [0.5, 0.6]: 50% -> the higher of the two.
    expect(track.decide(0.7)).toEqual({ threshold: 0.6, strong: true });
    expect(calibrator.stats()).toEqual([
      { router: 'r', share: 0.5, threshold: 0.6, source: 'window', realizedShare: 1 / 3, windowFill: 3, windowSize: 8 },
    ]);
  });

  it('holds the share exactly on a stream of one repeated prompt (a tie at the cut)', () => {
    const calibrator = new ShareCalibrator({ window: 100 });
    const track = calibrator.track(router, 0.3, 0.2);
    let strong = 0;
    for (let i = 0; i < 1100; i += 1) {
      const decision = track.decide(0.42);
      if (i >= 100 && decision.strong) strong += 1;
    }
    // Without splitting the tie every request would go strong (0.42 >= the cut 0.42).
    expect(strong / 1000).toBeCloseTo(0.3, 2);
  });

  it('keeps at most maxTracks, dropping the least recently used', () => {
    const calibrator = new ShareCalibrator({ window: 4, maxTracks: 2 });
    calibrator.track(router, 0.1, 0.5);
    calibrator.track(router, 0.2, 0.5);
    calibrator.track(router, 0.1, 0.5);
    calibrator.track(router, 0.3, 0.5);
    expect(calibrator.tracks().map((track) => track.share).sort()).toEqual([0.1, 0.3]);
  });

  it('starts a track from a saved window of the same weights only', () => {
    const calibrator = new ShareCalibrator({ window: 4 });
    calibrator.load([
      { kind: 'pair', router: 'r', fingerprint: 'r:1', share: 0.5, entries: [[0.1, false], [0.2, false], [0.3, true], [0.4, true]] },
      { kind: 'pair', router: 'r', fingerprint: 'r:old', share: 0.25, entries: [[0.1, false]] },
    ]);
    expect(calibrator.track(router, 0.5, 0.9).threshold).toBe(0.3);
    expect(calibrator.track(router, 0.25, 0.9).window.fill).toBe(0);
  });

  it('holds at most maxTracks loaded windows (a file or Redis may hold any number of names), and a taken one only once', () => {
    const calibrator = new ShareCalibrator({ window: 4, maxTracks: 3 });
    calibrator.load(Array.from({ length: 100 }, (_, index) => ({ kind: 'pair' as const, router: 'r', fingerprint: 'r:1', share: (index + 1) / 1000, entries: [[0.5, true] as const] })));
    // The last loaded are kept.
    expect(calibrator.pendingSaved().map((saved) => saved.share)).toEqual([0.098, 0.099, 0.1]);
    expect(calibrator.track(router, 0.1, 0.9).window.fill).toBe(1);
    calibrator.track(router, 0.2, 0.9);
    calibrator.track(router, 0.3, 0.9);
    calibrator.track(router, 0.4, 0.9);
    // 0.1 was evicted: it comes back cold, as a new name does, not from the window loaded at start-up.
    expect(calibrator.track(router, 0.1, 0.9).window.fill).toBe(0);
  });
});

describe('shareOfBatch', () => {
  it('sends exactly round(share * n) strong, ties taken in input order', () => {
    const rates = [0.2, 0.5, 0.5, 0.1, 0.5, 0.9, 0.3, 0.5, 0.0, 0.4];
    const cut = shareOfBatch(rates, 0.3);
    expect([...cut.strong].sort()).toEqual([1, 2, 5]);
    expect(cut.threshold).toBe(0.5);
    expect(shareOfBatch(rates, 0.04).strong.size).toBe(0);
  });
});
