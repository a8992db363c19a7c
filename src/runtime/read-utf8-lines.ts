import { UsageError } from '../core/index.js';

const LF = 0x0a;
const CR = 0x0d;

/** One line of text and its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
  /** False for a last line with no line end: possibly a write still under way, or one a crash cut short. */
  readonly terminated: boolean;
}

/**
 * The lines of a byte stream, each checked to be UTF-8: readline would turn a Latin-1 `é` or a
 * binary file into U+FFFD and let it through as a prompt. A line may end in LF or CRLF; the
 * last line needs no terminator (an empty one is not yielded). Yields as it reads, so a huge
 * input never sits in memory. `where(n)` names line n in the error, e.g. `stdin line 3`; `advice`
 * follows it (by default, how to convert prompts; a file label writes says to give another file).
 */
export async function* readUtf8Lines(
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  where: (line: number) => string,
  advice = 'prompts must be UTF-8 (convert e.g. with iconv -f latin1 -t utf-8)',
): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 0;
  const decode = (bytes: Uint8Array, terminated = true): NumberedLine => {
    line += 1;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    try {
      return { text: decoder.decode(bytes.subarray(0, end)), line, terminated };
    } catch {
      throw new UsageError(`${where(line)} is not valid UTF-8 text; ${advice}`);
    }
  };
  let pending: Uint8Array[] = [];
  for await (const chunk of input) {
    // A stream with an encoding set hands over strings: already decoded, so already valid.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let end = bytes.indexOf(LF); end !== -1; end = bytes.indexOf(LF, start)) {
      const tail = bytes.subarray(start, end);
      yield decode(pending.length === 0 ? tail : Buffer.concat([...pending, tail]));
      pending = [];
      start = end + 1;
    }
    if (start < bytes.length) pending.push(bytes.subarray(start));
  }
  if (pending.length > 0) yield decode(Buffer.concat(pending), false);
}
