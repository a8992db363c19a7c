import { Gauge, type Registry } from 'prom-client';
import type { ShareTrackStats } from '../../core/index.js';
import { shareLabel, type ShareStatsSource } from './share-stats.js';

/**
 * Gauges per router and asked share, read from the live windows when scraped (nothing is set
 * per request): the realized strong share over the window, the threshold in force, the window's fill.
 * Over a list of models (`overList`) the share is a cost share and the threshold a knob: the help says so.
 */
export function registerShareMetrics(registry: Registry, source: ShareStatsSource, prefix = 'routellm_', overList = false): void {
  const labelNames = ['router', 'share'] as const;
  // Under `serve --workers N` each worker reports the window the workers hold together (through the
  // primary), a sync apart: the aggregate is their average, or the fullest window's fill.
  const gauge = (name: string, help: string, read: (track: ShareTrackStats) => number | null, aggregator: 'average' | 'max' = 'average') =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      aggregator,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const track of source.stats()) this.labels(track.router, shareLabel(track)).set(read(track) ?? Number.NaN);
      },
    });
  const realized = overList
    ? 'Cost share the live window of router-<router>-<share> requests spent, of the way from the all-cheapest to the all-strongest bill (0..1).'
    : 'Share of the live window of router-<router>-<share> requests that went to the strong model (0..1).';
  const threshold = overList
    ? 'Knob in force for router-<router>-<share>, cut on the live window.'
    : 'Win-rate threshold in force for router-<router>-<share> (the calibration table until the window is warm).';
  gauge('share_realized', realized, (track) => track.realizedShare);
  gauge('share_threshold', threshold, (track) => track.threshold);
  gauge('share_window_fill', 'Requests in the live window of router-<router>-<share> (of routellm_share_window_size).', (track) => track.windowFill, 'max');
  gauge('share_allowed', 'Share of calls a budget name (router-<router>-$<usd>/h) allows now; the asked share for a share name (0..1).', (track) => track.share);
  gauge('share_window_size', 'Requests a live share window holds when full (--share-window).', (track) => track.windowSize, 'max');
}
