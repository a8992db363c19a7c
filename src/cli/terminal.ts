import { wrapWords } from '../runtime/wrap-text.js';

/** What the CLI asks of an output stream to decide on colour and width. */
export interface TerminalLike {
  readonly isTTY?: boolean;
  readonly columns?: number;
  hasColors?: () => boolean;
}

/** The width everything is fitted to when the stream is not a terminal (a pipe, a file, CI). */
export const DEFAULT_COLUMNS = 80;

/** Narrowest width worth fitting to: below it, tables and help are laid out for this many columns. */
const MIN_COLUMNS = 40;

/**
 * Whether to write ANSI colour to `stream`, decided from the command's own environment (not
 * process.env, so in-process runs and tests decide alike): FORCE_COLOR set to anything but
 * 0/false turns it on, FORCE_COLOR=0 off; else NO_COLOR set and non-empty (no-color.org) turns
 * it off; else a terminal that says it has colours. FORCE_COLOR wins over NO_COLOR, as in Node.
 */
export function useColour(stream: TerminalLike, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env['NO_COLOR']) return false;
  return stream.isTTY === true && (stream.hasColors?.() ?? false);
}

/**
 * The columns to fit tables and help to: the terminal's width (`process.stdout.columns`), else
 * `$COLUMNS`, else 80; never under 40, where no table is worth squeezing further.
 */
export function outputColumns(stream: TerminalLike, env: Readonly<Record<string, string | undefined>>): number {
  const fromEnv = Number(env['COLUMNS']);
  const columns = stream.isTTY === true && stream.columns ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS;
  return Math.max(MIN_COLUMNS, columns);
}

/** Rows assumed for a terminal that reports none. */
const DEFAULT_ROWS = 24;

/**
 * Before a live (ink) display: a pseudo-terminal with no size (`script`, some CI runners,
 * `docker run -t` before its first resize) reports 0 columns and rows, and ink, which lays out to
 * them, draws one character per line and clears the screen every frame. Such a stream gets the
 * width help falls back to (`$COLUMNS`, else 80) and 24 rows; a real size is left alone, and
 * the terminal's next resize sets its own.
 */
export function sizeUnsizedTerminal(stream: TerminalLike, env: Readonly<Record<string, string | undefined>>): void {
  if (stream.isTTY !== true) return;
  const sized = stream as { columns?: number; rows?: number };
  if (!sized.columns) sized.columns = outputColumns(stream, env);
  if (!sized.rows) sized.rows = DEFAULT_ROWS;
}

/**
 * Help text re-flowed to `width`: each paragraph of plain lines is joined and wrapped at spaces;
 * an indented line (an example) keeps its indent, and one too long is broken at spaces, a shell
 * command (`$ ...`) with a ` \` continuation so it still runs when pasted (its trailing `# comment`
 * then goes on a line of its own above it). A word longer than the
 * width is left whole rather than cut.
 */
export function wrapHelp(text: string, width: number): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(...wrapWords(paragraph.join(' ').split(/ +/), width));
    paragraph = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      out.push('');
    } else if (/^\s/.test(line)) {
      flush();
      const indent = /^\s*/.exec(line)![0];
      const trimmed = line.trim();
      if (trimmed.startsWith('$ ')) {
        const words = trimmed.match(SHELL_WORD) ?? [trimmed];
        const comment = words.findIndex((word) => word.startsWith('#'));
        if (comment > 0 && indent.length + trimmed.length > width) {
          // A trailing "# comment" goes on its own line above: after a ` \` continuation its words would run as a command.
          out.push(...wrapWords(words.slice(comment), width, { first: indent, rest: `${indent}#   ` }));
          out.push(...wrapWords(words.slice(0, comment), width, { first: indent, rest: `${indent}    `, continuation: ' \\' }));
        } else out.push(...wrapWords(words, width, { first: indent, rest: `${indent}    `, continuation: ' \\' }));
      } else {
        const words = trimmed.split(/ +/);
        out.push(...wrapWords(words, width, { first: indent, rest: trimmed.startsWith('#') ? `${indent}#   ` : `${indent}  ` }));
      }
    } else {
      // A line ending in ":" heads what follows ("Examples:"): never joined to it.
      paragraph.push(line.trim());
      if (line.trimEnd().endsWith(':')) flush();
    }
  }
  flush();
  return out.join('\n');
}

/** A shell word: quoted parts stay whole, so a break never lands inside a quoted prompt. */
const SHELL_WORD = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;

/** An `addHelpText` epilogue, wrapped when help is printed, to the width of the stream it goes to. */
export function helpEpilogue(io: { readonly stdout: TerminalLike; readonly env: Readonly<Record<string, string | undefined>> }, text: string): () => string {
  return () => wrapHelp(text, outputColumns(io.stdout, io.env));
}
