import type { LabelProgress, LabelProgressState } from '../label-progress.js';
import { pauseLine, progressCounts } from './format-progress.js';

/** A progress line at least this often in a long run, even between 5% steps. */
const QUIET_MS = 30_000;

/**
 * Progress as plain lines (logs, pipes, CI): one every 5% of the prompts (every prompt below
 * 20), at least every 30 s, one per global pause, and the run's notes.
 */
export function plainLabelProgress(write: (line: string) => void): LabelProgress {
  let nextAt = 0;
  let lastLine = Date.now();
  let step = 1;
  return {
    update(state: LabelProgressState) {
      step = Math.max(1, Math.ceil(state.total / 20));
      const done = state.labelled + state.failed;
      const due = done >= nextAt && done > 0;
      if (!due && Date.now() - lastLine < QUIET_MS) return;
      if (due) nextAt = (Math.floor(done / step) + 1) * step;
      lastLine = Date.now();
      write(`label: ${progressCounts(state)}\n`);
    },
    paused(pause) {
      write(`label: ${pauseLine(pause)}\n`);
    },
    note(line) {
      write(`label: ${line}\n`);
    },
    close() {},
  };
}
