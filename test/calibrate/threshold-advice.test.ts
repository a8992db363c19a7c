import { describe, expect, it } from 'vitest';
import { quantileGrid, shareAtThreshold, thresholdFromEntry, type CalibrationEntry } from '../../src/calibrate/calibration-table.js';
import { PUBLISHED_THRESHOLDS, thresholdAdvice } from '../../src/calibrate/threshold-advice.js';

/** A table entry over win rates spread evenly from `from` to `to`: the share above t is plain arithmetic. */
function evenEntry(from: number, to: number, levels = 1001): CalibrationEntry {
  const rates = Array.from({ length: 10_001 }, (_, i) => from + ((to - from) * i) / 10_000);
  return { fingerprint: 'x', n: rates.length, quantiles: quantileGrid(rates, levels) };
}

describe('shareAtThreshold', () => {
  it('is the inverse of thresholdFromEntry: the share of rates at or above the threshold', () => {
    const entry = evenEntry(0.1, 0.3);
    for (const share of [0.01, 0.2, 0.5, 0.723, 0.99]) expect(shareAtThreshold(entry, thresholdFromEntry(entry, share))).toBeCloseTo(share, 9);
    expect(shareAtThreshold(entry, 0.15)).toBeCloseTo(0.75, 9);
    expect(shareAtThreshold(entry, 0.05)).toBe(1);
    expect(shareAtThreshold(entry, 0.31)).toBe(0);
  });

  it('counts a run of tied rates as strong when the threshold sits on it (rate >= threshold)', () => {
    const entry: CalibrationEntry = { fingerprint: 'x', n: 5, quantiles: [0.1, 0.2, 0.2, 0.2, 0.9] };
    expect(shareAtThreshold(entry, 0.2)).toBe(0.75);
  });
});

describe('thresholdAdvice', () => {
  const table = 'the shipped calibration table';

  it('says nothing for a threshold inside the observed win rates, nor for the deliberate 0 and 1', () => {
    const entry = evenEntry(0.05, 0.45);
    for (const threshold of [0.06, 0.2, 0.44, 0, 1]) expect(thresholdAdvice('mf', threshold, entry, table)).toBeUndefined();
  });

  it('warns above the 99th percentile and below the 1st, with the share the threshold means', () => {
    const entry = evenEntry(0.05, 0.45);
    expect(thresholdAdvice('hybrid', 0.5, entry, table)).toBe(
      'threshold 0.5 for router hybrid is above the 99th percentile of its win rates (0.446 on the shipped calibration table): ' +
        'about 0% of calls go to the strong model; ask for a share of strong calls instead, e.g. router-hybrid-50% (route --threshold 50%)',
    );
    expect(thresholdAdvice('hybrid', 0.0502, entry, table)).toMatch(
      /^threshold 0\.0502 for router hybrid is below the 1st percentile of its win rates \(0\.054 on the shipped calibration table\): about 100% of calls go to the strong model;/,
    );
    // (0.45 - 0.448) / 0.4 of this evenly spread table reaches 0.448.
    expect(thresholdAdvice('hybrid', 0.448, entry, table)).toContain('about 0.5% of calls go to the strong model');
  });

  it("names RouteLLM's published threshold and the share it means on these weights", () => {
    // (0.2845 - 0.11593) / 0.2345 = 71.9% of these rates reach 0.11593, as of the shipped mf's.
    const entry = evenEntry(0.05, 0.2845);
    const published = PUBLISHED_THRESHOLDS.find((p) => p.router === 'mf' && p.share === 0.5)!;
    expect(thresholdAdvice('mf', 0.11593, entry, table)).toBe(
      `threshold 0.11593 is RouteLLM's published 50% threshold for its own mf weights (${published.weights}, on Chatbot Arena prompts); ` +
        'with these weights it sends about 71.9% of calls to the strong model (the shipped calibration table); for 50%, ask for the share: router-mf-50% (route --threshold 50%)',
    );
    // Rounded as users copy it.
    expect(thresholdAdvice('mf', 0.116, entry, table)).toContain("RouteLLM's published 50% threshold");
    // Where it does mean about the published share, it needs no warning; and it is mf's number, not another router's.
    expect(thresholdAdvice('mf', 0.11593, evenEntry(0.0, 0.23186), table)).toBeUndefined();
    expect(thresholdAdvice('lexical', 0.11593, entry, table)).toBeUndefined();
  });
});
