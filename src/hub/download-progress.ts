/** The little of a stream progress needs (stderr, or a test's collector). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  hasColors?: () => boolean;
}

/** Where a download reports: a line at start off a terminal, a live bar on one. */
export interface ProgressSink {
  readonly stream: ProgressStream;
  /** CI runs get the plain line even on a pseudo-terminal. */
  readonly ci?: boolean;
}

export interface DownloadProgress {
  advance(bytes: number): void;
  finish(): void;
}

const NO_PROGRESS: DownloadProgress = { advance() {}, finish() {} };
/** Redraws at most this often: a fast download must not spend its time writing to the terminal. */
const REDRAW_MS = 100;

/**
 * Progress of one download on stderr. On a terminal, one line redrawn in place (dim when the
 * stream has colours, which honours NO_COLOR and FORCE_COLOR); elsewhere one plain line when it
 * starts, so a log shows what was fetched and where it went.
 */
export function downloadProgress(sink: ProgressSink | undefined, label: string, total: number | undefined, start: number, into: string): DownloadProgress {
  if (!sink) return NO_PROGRESS;
  const { stream } = sink;
  const size = total === undefined ? 'size unknown' : formatBytes(total);
  if (!stream.isTTY || sink.ci) {
    stream.write(`routellm: downloading ${label} (${size}${start > 0 ? `, resuming at ${formatBytes(start)}` : ''}) into ${into}\n`);
    return NO_PROGRESS;
  }
  const colour = stream.hasColors?.() === true;
  let done = start;
  let last = 0;
  const draw = () => {
    const share = total ? ` ${Math.floor((done / total) * 100)}%` : '';
    const text = `downloading ${label} ${formatBytes(done)}/${size}${share}`;
    stream.write(`\r\x1b[K${colour ? `\x1b[2m${text}\x1b[22m` : text}`);
  };
  draw();
  return {
    advance(bytes) {
      done += bytes;
      const now = Date.now();
      if (now - last >= REDRAW_MS) {
        last = now;
        draw();
      }
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}

/** 1536 -> "1.5 kB", 2.5e9 -> "2.5 GB" (decimal units, as the hub shows sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
