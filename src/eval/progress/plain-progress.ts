import type { EvalProgress } from '../evaluate-routers.js';

/** Progress as plain lines on a stream (logs, pipes, CI): a line when a router starts and ends. */
export function plainProgress(write: (line: string) => void): EvalProgress & { close(): void } {
  const scored = new Map<string, { scored: number; total: number }>();
  return {
    router(name, run, runs) {
      return {
        started(total, cached) {
          const tally = scored.get(name) ?? { scored: 0, total: 0 };
          tally.scored += total - cached;
          tally.total += total;
          scored.set(name, tally);
          if (run === 0) {
            const what = runs > 1 ? `${runs} seeded runs of ${total} prompts` : `${total} prompts (${cached} cached)`;
            write(`${name}: scoring ${what}\n`);
          }
        },
        advanced() {},
      };
    },
    routerDone(name, seconds) {
      const tally = scored.get(name) ?? { scored: 0, total: 0 };
      const rate = seconds > 0 ? ` (${Math.round(tally.total / seconds)} prompts/s)` : '';
      write(`${name}: done in ${seconds.toFixed(2)} s, ${tally.scored} scored, ${tally.total - tally.scored} from cache${rate}\n`);
    },
    close() {},
  };
}
