import type { Writable } from 'node:stream';
import type { LabelProgress, LabelProgressState } from '../label-progress.js';
import type { GatePause } from '../rate-gate.js';
import { formatDuration, formatUsd, pauseLine } from './format-progress.js';

const WIDTH = 30;
/** SGR codes written by hand, not through ink's chalk, which decides from process.env rather than the command's own. */
const GREEN = ['\u001b[32m', '\u001b[39m'] as const;
const YELLOW = ['\u001b[33m', '\u001b[39m'] as const;
const DIM = ['\u001b[2m', '\u001b[22m'] as const;
const FRAME_MS = 100;
/** Notes kept on screen; all of them also stay in --failed or the summary. */
const NOTES = 5;

/**
 * A live display on a terminal (stderr): a bar, the counts, spend, rate, time left, a global
 * pause while one runs, and the last few notes. ink is imported here only (about 0.7 s), so
 * only a TTY run pays for it. `colour` false (NO_COLOR, FORCE_COLOR=0, a terminal without
 * colours) draws the same display without any ANSI colour.
 */
export async function inkLabelProgress(stream: Writable, colour: boolean): Promise<LabelProgress> {
  const [{ render, Box, Text }, React] = await Promise.all([import('ink'), import('react')]);
  let state: LabelProgressState | undefined;
  let pause: GatePause | undefined;
  let pauseEnds = 0;
  const notes: string[] = [];
  const paint = (codes: readonly [string, string], text: string) => (colour && text !== '' ? `${codes[0]}${text}${codes[1]}` : text);
  const View = () => {
    if (!state) return <Text>label: starting</Text>;
    const done = state.labelled + state.failed;
    const fraction = state.total === 0 ? 1 : done / state.total;
    const filled = Math.round(fraction * WIDTH);
    const rate = state.elapsedMs > 0 ? done / (state.elapsedMs / 1000) : 0;
    const eta = rate > 0 && done < state.total ? ` ${formatDuration(((state.total - done) / rate) * 1000)} left` : '';
    const pausedFor = pauseEnds - Date.now();
    return (
      <Box flexDirection="column">
        <Text>
          label {paint(GREEN, '█'.repeat(filled))}
          {paint(DIM, '░'.repeat(WIDTH - filled))} {Math.floor(fraction * 100)}% {done}/{state.total}
        </Text>
        <Text>
          {state.labelled} labelled, {state.failed > 0 ? paint(YELLOW, `${state.failed} failed`) : '0 failed'}, {state.inFlight} in flight (limit {state.limit}),{' '}
          {formatUsd(state.spentUsd)} spent, {rate.toFixed(1)} prompts/s{eta}
        </Text>
        {pause && pausedFor > 0 ? <Text>{paint(YELLOW, pauseLine({ ...pause, ms: pausedFor }))}</Text> : null}
        {notes.map((note, i) => (
          <Text key={i}>{paint(DIM, note)}</Text>
        ))}
      </Box>
    );
  };
  const instance = render(React.createElement(View), { stdout: stream as NodeJS.WriteStream, patchConsole: false, exitOnCtrlC: false });
  let last = 0;
  const redraw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < FRAME_MS) return;
    last = now;
    instance.rerender(React.createElement(View));
  };
  return {
    update(next) {
      state = next;
      redraw();
    },
    paused(next) {
      pause = next;
      pauseEnds = Date.now() + next.ms;
      redraw(true);
    },
    note(line) {
      notes.push(line);
      if (notes.length > NOTES) notes.shift();
      redraw(true);
    },
    close() {
      redraw(true);
      instance.unmount();
    },
  };
}
