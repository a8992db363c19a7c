import type { Writable } from 'node:stream';
import type { EvalProgress } from '../evaluate-routers.js';

interface Row {
  name: string;
  done: number;
  total: number;
  run: number;
  runs: number;
  seconds?: number;
}

const WIDTH = 30;
const FRAME_MS = 80;

/** SGR codes written by hand, not through ink's chalk, which decides from process.env rather than the command's own. */
const GREEN = ['\u001b[32m', '\u001b[39m'] as const;
const DIM = ['\u001b[2m', '\u001b[22m'] as const;

/**
 * Live progress bars, one per router, drawn by ink on a terminal (stderr). ink is imported
 * here only: it costs about 0.7 s, which only a TTY run should pay. `colour` false (NO_COLOR,
 * FORCE_COLOR=0, a terminal without colours) draws the bars without any ANSI colour.
 */
export async function inkProgress(stream: Writable, colour: boolean): Promise<EvalProgress & { close(): void }> {
  const paint = (codes: readonly [string, string], text: string) => (colour && text !== '' ? `${codes[0]}${text}${codes[1]}` : text);
  const [{ render, Box, Text }, React] = await Promise.all([import('ink'), import('react')]);
  const rows: Row[] = [];
  const View = () => (
    <Box flexDirection="column">
      {rows.map((row) => {
        const fraction = row.total === 0 ? 1 : (row.run + row.done / row.total) / row.runs;
        const filled = Math.round(fraction * WIDTH);
        const status = row.seconds === undefined ? `${Math.floor(fraction * 100)}%` : `done in ${row.seconds.toFixed(2)} s`;
        return (
          <Text key={row.name}>
            {row.name.padEnd(14)} {paint(GREEN, '█'.repeat(filled))}
            {paint(DIM, '░'.repeat(WIDTH - filled))} {status}
            {row.runs > 1 ? ` (run ${Math.min(row.run + 1, row.runs)}/${row.runs})` : ''}
          </Text>
        );
      })}
    </Box>
  );
  const instance = render(React.createElement(View), {
    stdout: stream as NodeJS.WriteStream,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  let last = 0;
  const redraw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < FRAME_MS) return;
    last = now;
    instance.rerender(React.createElement(View));
  };
  const rowOf = (name: string, runs: number): Row => {
    let row = rows.find((candidate) => candidate.name === name);
    if (!row) {
      row = { name, done: 0, total: 0, run: 0, runs };
      rows.push(row);
    }
    return row;
  };
  return {
    router(name, run, runs) {
      const row = rowOf(name, runs);
      row.run = run;
      return {
        started(total, cached) {
          row.total = total;
          row.done = cached;
          redraw(true);
        },
        advanced(done, total) {
          row.done = done;
          row.total = total;
          redraw();
        },
      };
    },
    routerDone(name, seconds) {
      const row = rowOf(name, 1);
      row.run = row.runs - 1;
      row.done = row.total;
      row.seconds = seconds;
      redraw(true);
    },
    close() {
      redraw(true);
      instance.unmount();
    },
  };
}
