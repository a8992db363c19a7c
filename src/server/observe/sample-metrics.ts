import { Counter, Gauge, type Registry } from 'prom-client';
import type { SampleFileCounts } from '../sample/sample-file.js';

/** What the sample metrics read when scraped. */
export interface SampleMetricsSource {
  counts(): SampleFileCounts;
  readonly queued: number;
}

/**
 * `serve --sample-prompts`' metrics, read from the sample file when scraped: lines written and
 * dropped (by why: the queue was full, a write failed), rotations, and lines waiting.
 */
export function registerSampleMetrics(registry: Registry, source: SampleMetricsSource, prefix = 'routellm_'): void {
  new Counter({
    name: `${prefix}prompt_samples_total`,
    help: 'Sampled prompts (--sample-prompts), by outcome: written to the file, dropped_queue_full (the disk fell behind), dropped_write_error.',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const counts = source.counts();
      this.reset();
      this.labels('written').inc(counts.written);
      this.labels('dropped_queue_full').inc(counts.droppedQueueFull);
      this.labels('dropped_write_error').inc(counts.droppedWriteError);
    },
  });
  new Counter({
    name: `${prefix}prompt_sample_rotations_total`,
    help: 'Times the --sample-prompts file reached --sample-max-size and was rotated.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(source.counts().rotations);
    },
  });
  new Gauge({
    name: `${prefix}prompt_sample_queued`,
    help: 'Sampled prompts waiting to be written to the --sample-prompts file.',
    registers: [registry],
    collect() {
      this.set(source.queued);
    },
  });
}
