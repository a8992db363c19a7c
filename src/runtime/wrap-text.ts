/**
 * Words laid on lines of at most `width` characters (a word longer than that stays whole): the
 * first line starts with `first`, the others with `rest`, and `continuation` ends every line that
 * goes on (a shell command's ` \`).
 */
export function wrapWords(words: readonly string[], width: number, layout: { first?: string; rest?: string; continuation?: string } = {}): string[] {
  const { first = '', rest = '', continuation = '' } = layout;
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length + continuation.length > width) {
      lines.push(`${line}${continuation}`);
      line = rest + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Each line of `text` wrapped at spaces to `width`. */
export function wrapProse(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => wrapWords(line.split(' '), width).join('\n'))
    .join('\n');
}
